import {
  CreateFlowCommand,
  DeleteFlowCommand,
  DescribeFlowCommand,
  ListFlowsCommand,
  type MediaConnectClient,
  StartFlowCommand,
  StopFlowCommand,
} from '@aws-sdk/client-mediaconnect';
import { AwsErrorName, FlowStatus, flowArnProblem } from '../../src/common';
import { MediaConnectSimulator } from '../../src/testing';
import { failure, pollUntil, sleep, useSimulator } from '../support/simulator';

describe('MediaConnectSimulator through @aws-sdk/client-mediaconnect', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator(
    { rateLimit: false, defaultStartingDuration: 300, defaultStoppingDuration: 200, deletingDuration: 100 },
    (started) => ({ sim, client } = started),
  );

  describe('flows', () => {
    it('creates a STANDBY flow with a well-formed ARN over the wire, answering 201', async () => {
      const out = await client.send(new CreateFlowCommand({ Name: 'AwardsShow' }));
      expect(out.$metadata.httpStatusCode).toBe(201);
      expect(out.$metadata.requestId).toEqual(expect.any(String));
      expect(out.Flow?.Status).toBe('STANDBY');
      expect(out.Flow?.FlowArn).toMatch(
        /^arn:aws:mediaconnect:us-east-1:111122223333:flow:1-[A-Za-z0-9]{16}-[A-Za-z0-9]{12}:AwardsShow$/,
      );
      expect(flowArnProblem(out.Flow?.FlowArn)).toBeUndefined();
      expect(sim.flowArnsByName()).toEqual({ AwardsShow: out.Flow?.FlowArn });
    });

    it('answers CreateFlow without a name with 400 BadRequestException', async () => {
      const err = await failure(client.send(new CreateFlowCommand({} as never)));
      expect(err.name).toBe(AwsErrorName.BadRequest);
      expect(err.$metadata?.httpStatusCode).toBe(400);
    });

    it('answers StartFlow 202 STARTING, stays STARTING for startingDuration, then ACTIVE', async () => {
      const flowArn = sim.createFlow({ name: 'Starter', startingDuration: 400 });
      const startedAt = Date.now();
      const out = await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      expect(out.$metadata.httpStatusCode).toBe(202);
      expect(out).toMatchObject({ FlowArn: flowArn, Status: 'STARTING' });
      const seen = await pollUntil(client, flowArn, FlowStatus.ACTIVE);
      expect(seen[0]).toBe('STARTING');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(400);
      expect(sim.flowStatus(flowArn)).toBe('ACTIVE');
    });

    it('describes a flow with source, entitlements, outputs and no messages while healthy', async () => {
      const flowArn = sim.createFlow({ name: 'Described' });
      const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      expect(out.Flow).toMatchObject({
        FlowArn: flowArn,
        Name: 'Described',
        Status: 'STANDBY',
        AvailabilityZone: 'us-east-1a',
        Entitlements: [],
        Outputs: [],
        Source: expect.objectContaining({ Name: 'Described-source' }),
      });
      expect(out.Messages).toBeUndefined();
    });

    it('ends a start in ERROR with the flow’s messages in DescribeFlow, and can be started again', async () => {
      const flowArn = sim.createFlow({
        name: 'Broken',
        startingDuration: 100,
        outcome: 'ERROR',
        errorMessages: ['Source SRT handshake failed'],
      });
      await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      await pollUntil(client, flowArn, FlowStatus.ERROR);
      const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      expect(out.Messages?.Errors).toEqual(['Source SRT handshake failed']);

      sim.updateFlow(flowArn, { outcome: 'ACTIVE' });
      const restart = await client.send(new StartFlowCommand({ FlowArn: flowArn }));
      expect(restart.Status).toBe('STARTING');
      await pollUntil(client, flowArn, FlowStatus.ACTIVE);
      expect((await client.send(new DescribeFlowCommand({ FlowArn: flowArn }))).Messages).toBeUndefined();
    });

    it.each(['STARTING', 'ACTIVE', 'UPDATING'] as const)(
      'refuses StartFlow on a %s flow with 400 naming the status',
      async (status) => {
        const flowArn = sim.createFlow({ name: 'Busy', status, startingDuration: 60_000 });
        const err = await failure(client.send(new StartFlowCommand({ FlowArn: flowArn })));
        expect(err.name).toBe(AwsErrorName.BadRequest);
        expect(err.$fault).toBe('client');
        expect(err.$metadata?.httpStatusCode).toBe(400);
        expect(err.message).toContain(status);
      },
    );

    it('stops a flow: 202 STOPPING, then STANDBY after stoppingDuration', async () => {
      const flowArn = sim.createFlow({ name: 'Stopper', status: 'ACTIVE', stoppingDuration: 200 });
      const out = await client.send(new StopFlowCommand({ FlowArn: flowArn }));
      expect(out.$metadata.httpStatusCode).toBe(202);
      expect(out.Status).toBe('STOPPING');
      const seen = await pollUntil(client, flowArn, FlowStatus.STANDBY);
      expect(seen[0]).toBe('STOPPING');
    });

    it('deletes a flow: 202 DELETING, then NotFound', async () => {
      const flowArn = sim.createFlow({ name: 'Doomed' });
      const out = await client.send(new DeleteFlowCommand({ FlowArn: flowArn }));
      expect(out.$metadata.httpStatusCode).toBe(202);
      expect(out.Status).toBe('DELETING');
      await sleep(150);
      const err = await failure(client.send(new DescribeFlowCommand({ FlowArn: flowArn })));
      expect(err.name).toBe(AwsErrorName.NotFound);
      expect(sim.flowArnsByName()).toEqual({});
    });

    it('answers an unknown flow with 404 NotFoundException whose message names the ARN', async () => {
      const flowArn = 'arn:aws:mediaconnect:us-east-1:111122223333:flow:1-AAAAAAAAAAAAAAAA-BBBBBBBBBBBB:Ghost';
      for (const command of [
        new DescribeFlowCommand({ FlowArn: flowArn }),
        new StartFlowCommand({ FlowArn: flowArn }),
      ]) {
        const err = await failure(client.send(command));
        expect(err.name).toBe('NotFoundException');
        expect(err.$fault).toBe('client');
        expect(err.$metadata?.httpStatusCode).toBe(404);
        expect(err.$metadata?.requestId).toEqual(expect.any(String));
        expect(err.message).toContain(flowArn);
      }
    });

    it('answers a malformed ARN in the path with 400 BadRequestException', async () => {
      const err = await failure(client.send(new DescribeFlowCommand({ FlowArn: 'not-an-arn' })));
      expect(err.name).toBe(AwsErrorName.BadRequest);
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toMatch(/arn/i);
    });

    it('routes ARNs whose flow name has dots and underscores, decoding the path once', async () => {
      const flowArn = sim.createFlow({ name: 'Awards.Show_2024-main' });
      const out = await client.send(new DescribeFlowCommand({ FlowArn: flowArn }));
      expect(out.Flow?.Name).toBe('Awards.Show_2024-main');
      expect(sim.calls({ operation: 'DescribeFlow' })[0].flowArn).toBe(flowArn);

      // The SDK sends ':' as %3A. An ARN encoded twice decodes to "%3A" text: not a flow ARN.
      const twice = encodeURIComponent(encodeURIComponent(flowArn));
      const response = await fetch(`${sim.endpoint}/v1/flows/${twice}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe(AwsErrorName.BadRequest);
    });

    it('answers an unknown route with 404 UnknownOperationException', async () => {
      const response = await fetch(`${sim.endpoint}/v1/bridges`);
      expect(response.status).toBe(404);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(await response.json()).toEqual({ message: expect.stringContaining('/v1/bridges') });
    });
  });

  describe('ListFlows', () => {
    it('pages 10 at a time by default with nextToken, and up to maxResults', async () => {
      const arns = Array.from({ length: 25 }, (_, i) =>
        sim.createFlow({ name: `Flow${String(i + 1).padStart(3, '0')}`, status: i === 0 ? 'ACTIVE' : undefined }),
      );
      const pages: number[] = [];
      const listed: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(new ListFlowsCommand({ NextToken: nextToken }));
        pages.push(out.Flows?.length ?? 0);
        listed.push(...(out.Flows ?? []).map((flow) => flow.FlowArn as string));
        nextToken = out.NextToken;
      } while (nextToken !== undefined);
      expect(pages).toEqual([10, 10, 5]);
      expect(listed).toEqual(arns);

      const all = await client.send(new ListFlowsCommand({ MaxResults: 1000 }));
      expect(all.Flows).toHaveLength(25);
      expect(all.NextToken).toBeUndefined();
      expect(all.Flows?.[0]).toEqual({
        FlowArn: arns[0],
        Name: 'Flow001',
        Status: 'ACTIVE',
        AvailabilityZone: 'us-east-1a',
        Description: 'Simulated flow Flow001',
        SourceType: 'OWNED',
      });
    });

    it.each([0, 1001])('refuses maxResults=%d with 400 BadRequestException', async (maxResults) => {
      const err = await failure(client.send(new ListFlowsCommand({ MaxResults: maxResults })));
      expect(err.name).toBe(AwsErrorName.BadRequest);
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toContain('maxResults');
    });

    it('refuses a nextToken it did not issue', async () => {
      const err = await failure(client.send(new ListFlowsCommand({ NextToken: 'bogus' })));
      expect(err.name).toBe(AwsErrorName.BadRequest);
    });
  });

  describe('TypeScript API validation', () => {
    it('refuses names that cannot be part of a flow ARN and unknown flows', () => {
      expect(() => sim.createFlow({ name: 'has space' })).toThrow(/flow name/);
      expect(() => sim.createFlow({ name: 'Ok', startingDuration: -1 })).toThrow(/startingDuration/);
      expect(() => sim.flowStatus('arn:aws:mediaconnect:us-east-1:111122223333:flow:1-x-y:Nope')).toThrow(
        /no simulated flow/,
      );
      const flowArn = sim.createFlow({ name: 'Fixed' });
      expect(() => sim.updateFlow(flowArn, { name: 'Renamed' })).toThrow(/cannot change/);
    });

    it('refuses invalid options at start with a message naming the option', async () => {
      await expect(MediaConnectSimulator.start({ rateLimit: { requestsPerSecond: 0, burst: 30 } })).rejects.toThrow(
        /requestsPerSecond/,
      );
      await expect(MediaConnectSimulator.start({ accountId: '123' })).rejects.toThrow(/accountId/);
    });
  });
});
