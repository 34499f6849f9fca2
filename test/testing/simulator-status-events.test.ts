import { StartFlowCommand, StopFlowCommand, type MediaConnectClient } from '@aws-sdk/client-mediaconnect';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkFlowStatusEvent, type FlowStatusChangeEvent } from '../../src/events/flow-status-event';
import type { MediaConnectSimulator } from '../../src/testing';
import { useSimulator } from '../support/simulator';
import { waitFor } from '../support/wait-for';

const transitions = (events: FlowStatusChangeEvent[]): string[] =>
  events.map((event) => `${event.detail.previousStatus}->${event.detail.currentStatus}`);

describe('MediaConnectSimulator status change events (EventBridge)', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator(
    { rateLimit: false, defaultStartingDuration: 300, defaultStoppingDuration: 200, accountId: '444455556666' },
    (started) => ({ sim, client } = started),
  );

  it('stopStatusEvents resolves only once the deliveries under way have ended (a test may then close their client)', async () => {
    let ended = 0;
    sim.emitStatusEvents({
      target: async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        ended += 1;
      },
    });
    const flowArn = sim.createFlow({ name: 'StillForwarding' });
    sim.updateFlow(flowArn, { status: 'STARTING' });
    await sim.stopStatusEvents();
    expect(ended).toBe(1);
    expect(sim.statusEventStats()).toMatchObject({ delivered: 0, dropped: 0, failed: 0, events: [] });
  });

  it('emits STANDBY->STARTING on StartFlow and STARTING->ACTIVE when STARTING ends, with no DescribeFlow, in the exact EventBridge envelope', async () => {
    const received: FlowStatusChangeEvent[] = [];
    sim.emitStatusEvents({ target: (event) => received.push(event) });
    const flowArn = sim.createFlow({ name: 'AwardsShow' });
    await client.send(new StartFlowCommand({ FlowArn: flowArn }));
    await waitFor('the ACTIVE event', () => received.length === 2);

    expect(transitions(received)).toEqual(['STANDBY->STARTING', 'STARTING->ACTIVE']);
    expect(sim.calls({ operation: 'DescribeFlow' })).toHaveLength(0);
    expect(Object.keys(received[1]).sort()).toEqual(
      ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version'].sort(),
    );
    expect(received[1]).toMatchObject({
      version: '0',
      'detail-type': 'MediaConnect Flow Status Change',
      source: 'aws.mediaconnect',
      account: '444455556666',
      region: 'us-east-1',
      resources: [flowArn],
    });
    expect(received[0].id).not.toBe(received[1].id);
    // The ACTIVE event carries the moment STARTING ended, not the moment someone looked.
    expect(Date.parse(received[1].time) - Date.parse(received[0].time)).toBe(300);
    expect(received.map((event) => checkFlowStatusEvent(event).ok)).toEqual([true, true]);
    expect(sim.statusEventStats()).toMatchObject({ delivered: 2, dropped: 0, failed: 0 });
  });

  it('POSTs each event as JSON to an HTTP target, the way an API destination receives it', async () => {
    const bodies: unknown[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push({ method: req.method, type: req.headers['content-type'], event: JSON.parse(body) });
        res.writeHead(bodies.length === 1 ? 200 : 500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      sim.emitStatusEvents({ target: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events` });
      const flowArn = sim.createFlow({ name: 'Posted' });
      await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      await waitFor('two deliveries', () => sim.statusEventStats().delivered + sim.statusEventStats().failed === 2);
      expect(bodies).toEqual([
        { method: 'POST', type: 'application/json', event: sim.statusEventStats().events[0] },
        { method: 'POST', type: 'application/json', event: sim.statusEventStats().events[1] },
      ]);
      // A target that answers 500 is counted as a failed delivery.
      expect(sim.statusEventStats()).toMatchObject({ delivered: 1, failed: 1 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('loses, duplicates and reorders events when told to', async () => {
    const lost: FlowStatusChangeEvent[] = [];
    sim.emitStatusEvents({
      target: (event) => lost.push(event),
      drop: (event) => event.detail.currentStatus === 'ACTIVE',
    });
    const dropped = sim.createFlow({ name: 'Dropped' });
    await client.send(new StartFlowCommand({ FlowArn: dropped }));
    await waitFor('the flow to become ACTIVE', () => sim.flowStatus(dropped) === 'ACTIVE');
    await waitFor('the dropped event', () => sim.statusEventStats().dropped === 1);
    expect(transitions(lost)).toEqual(['STANDBY->STARTING']);

    const twice: FlowStatusChangeEvent[] = [];
    sim.emitStatusEvents({ target: (event) => twice.push(event), duplicates: 1 });
    await client.send(new StopFlowCommand({ FlowArn: dropped }));
    await waitFor('both events twice', () => twice.length === 4);
    expect(transitions(twice)).toEqual([
      'ACTIVE->STOPPING',
      'ACTIVE->STOPPING',
      'STOPPING->STANDBY',
      'STOPPING->STANDBY',
    ]);
    expect(new Set(twice.map((event) => event.id)).size).toBe(2); // a duplicate is the same event

    const reordered: FlowStatusChangeEvent[] = [];
    sim.emitStatusEvents({ target: (event) => reordered.push(event), reorderWindowMs: 1_000 });
    await client.send(new StartFlowCommand({ FlowArn: dropped }));
    await waitFor('both events', () => reordered.length === 2);
    expect(transitions(reordered)).toEqual(['STARTING->ACTIVE', 'STANDBY->STARTING']);
  });

  it('stops emitting when turned off, and on reset', async () => {
    const received: FlowStatusChangeEvent[] = [];
    sim.emitStatusEvents({ target: (event) => received.push(event) });
    const flowArn = sim.createFlow({ name: 'Quiet', startingDuration: 60_000 });
    await client.send(new StartFlowCommand({ FlowArn: flowArn }));
    sim.emitStatusEvents(undefined);
    sim.updateFlow(flowArn, { status: 'ACTIVE' });
    expect(transitions(received)).toEqual(['STANDBY->STARTING']);
    expect(sim.statusEventStats().events).toEqual([]);
  });

  const noTarget = (): void => undefined;
  it.each([
    ['a URL that is not http(s)', { target: 'ftp://example.com' }, /target must be a function or an http\(s\) URL/],
    ['a drop probability above 1', { target: noTarget, drop: 2 }, /drop must be a probability/],
    ['negative duplicates', { target: noTarget, duplicates: -1 }, /duplicates must be a whole number/],
    ['a negative delay', { target: noTarget, delayMs: -5 }, /delayMs must be/],
    [
      'a reorder window that is not a number',
      { target: noTarget, reorderWindowMs: Number.NaN },
      /reorderWindowMs must be/,
    ],
  ])('refuses options that cannot work: %s', (_label, options, message) => {
    expect(() => sim.emitStatusEvents(options as never)).toThrow(message);
  });
});
