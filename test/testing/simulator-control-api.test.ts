import {
  DescribeFlowCommand,
  ListFlowsCommand,
  type MediaConnectClient,
  StartFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { AwsErrorName } from '../../src/common';
import { MediaConnectSimulator } from '../../src/testing';
import { failure, useSimulator } from '../support/simulator';

describe('MediaConnectSimulator observability and control API', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator(
    { rateLimit: false, defaultStartingDuration: 300, defaultStoppingDuration: 200, deletingDuration: 100 },
    (started) => ({ sim, client } = started),
  );

  describe('observability', () => {
    it('records every call with operation, flow, status, error name and fault, and counts them', async () => {
      const flowArn = sim.createFlow({ name: 'Watched' });
      sim.injectFault({ kind: 'throttle', operation: 'DescribeFlow' });
      await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })));
      await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      await client.send(new ListFlowsCommand({}));

      const calls = sim.calls();
      expect(calls.map(({ at: _at, ...call }) => call)).toEqual([
        {
          operation: 'DescribeFlow',
          region: 'us-east-1',
          flowArn,
          httpStatus: 429,
          errorName: 'TooManyRequestsException',
          fault: 'throttle',
        },
        { operation: 'DescribeFlow', region: 'us-east-1', flowArn, httpStatus: 200 },
        { operation: 'StartFlow', region: 'us-east-1', flowArn, httpStatus: 202 },
        { operation: 'ListFlows', region: 'us-east-1', httpStatus: 200 },
      ]);
      expect(calls.every((call) => Math.abs(call.at - Date.now()) < 10_000)).toBe(true);
      expect(sim.calls({ operation: 'DescribeFlow', flowArn })).toHaveLength(2);
      expect(sim.stats()).toEqual({
        total: 4,
        byOperation: { DescribeFlow: 2, StartFlow: 1, ListFlows: 1 },
        byRegion: { 'us-east-1': 4 },
        byHttpStatus: { '429': 1, '200': 2, '202': 1 },
        throttled: 1,
        rateLimited: 0,
        dropped: 0,
      });
      sim.resetStats();
      expect(sim.calls()).toEqual([]);
      expect(sim.stats().total).toBe(0);
    });
  });

  describe('control API', () => {
    it('creates, patches and inspects flows, scripts faults and resets over HTTP', async () => {
      const post = (path: string, body: unknown, method = 'POST'): Promise<Response> =>
        fetch(`${sim.endpoint}/_simulator/${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const created = await post('flows', {
        name: 'Remote',
        startingDuration: 100,
        outcome: 'ERROR',
        errorMessages: ['no input'],
      });
      expect(created.status).toBe(201);
      const { flowArn } = (await created.json()) as { flowArn: string };
      expect(sim.flowStatus(flowArn)).toBe('STANDBY');

      const patched = await post(`flows/${encodeURIComponent(flowArn)}`, { status: 'ACTIVE' }, 'PATCH');
      expect(await patched.json()).toEqual({ flowArn, status: 'ACTIVE' });

      expect((await post('faults', { kind: 'forbidden', operation: 'DescribeFlow', times: 'Infinity' })).status).toBe(
        201,
      );
      for (let i = 0; i < 2; i++) {
        expect((await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })))).name).toBe(
          AwsErrorName.Forbidden,
        );
      }
      const badFault = await post('faults', { kind: 'slow' });
      expect(badFault.status).toBe(400);
      expect(((await badFault.json()) as { message: string }).message).toContain('delayMs');

      const stats = (await (await fetch(`${sim.endpoint}/_simulator/stats`)).json()) as {
        total: number;
        byHttpStatus: Record<string, number>;
      };
      expect(stats).toMatchObject({ total: 2, byHttpStatus: { '403': 2 } });
      const { calls } = (await (await fetch(`${sim.endpoint}/_simulator/calls?operation=DescribeFlow`)).json()) as {
        calls: { fault?: string }[];
      };
      expect(calls.map((call) => call.fault)).toEqual(['forbidden', 'forbidden']);

      expect((await fetch(`${sim.endpoint}/_simulator/faults`, { method: 'DELETE' })).status).toBe(200);
      expect((await client.send(new DescribeFlowCommand({ FlowArn: flowArn }))).Flow?.Status).toBe('ACTIVE');

      expect((await post('reset', {})).status).toBe(200);
      expect(sim.flowArnsByName()).toEqual({});
      expect(sim.stats().total).toBe(0);
    });
  });
});
