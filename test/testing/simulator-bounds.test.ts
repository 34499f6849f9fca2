import {
  CreateFlowCommand,
  DescribeFlowCommand,
  ListFlowsCommand,
  type MediaConnectClient,
} from '@aws-sdk/client-mediaconnect';
import { AwsErrorName, parseFlowArn } from '../../src/common';
import { MediaConnectSimulator } from '../../src/testing';
import { failure, rawExchange, sleep, useSimulator } from '../support/simulator';

describe('MediaConnectSimulator with a big account', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  useSimulator({ rateLimit: false, deletingDuration: 20 }, (started) => ({ sim, client } = started));

  it('creates 5000 flows named <prefix>-<n> in one call and lists them in pages of up to 1000', async () => {
    const arns = sim.createFlows(5000, { prefix: 'Big', status: 'ACTIVE' });
    expect(arns).toHaveLength(5000);
    expect(arns.slice(0, 2).map((arn) => parseFlowArn(arn).flowName)).toEqual(['Big-1', 'Big-2']);
    expect(parseFlowArn(arns[4999]).flowName).toBe('Big-5000');
    const listed: string[] = [];
    const pages: number[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListFlowsCommand({ MaxResults: 1000, NextToken: nextToken }));
      pages.push(out.Flows?.length ?? 0);
      listed.push(...(out.Flows ?? []).map((flow) => flow.FlowArn as string));
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    expect(pages).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(listed).toEqual(arns);
    expect((await client.send(new DescribeFlowCommand({ FlowArn: arns[4321] }))).Flow?.Status).toBe('ACTIVE');
  });

  it('pages past deleted flows without gaps or repeats', async () => {
    const arns = sim.createFlows(200);
    const doomed = new Set(arns.filter((_, i) => i % 3 !== 0));
    for (const flowArn of doomed) sim.updateFlow(flowArn, { status: 'DELETING' });
    await sleep(50);
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListFlowsCommand({ MaxResults: 7, NextToken: nextToken }));
      listed.push(...(out.Flows ?? []).map((flow) => flow.FlowArn as string));
      nextToken = out.NextToken;
    } while (nextToken !== undefined);
    expect(listed).toEqual(arns.filter((arn) => !doomed.has(arn)));
  });

  it('refuses a bad batch whole: nothing is created', () => {
    expect(() => sim.createFlows(0)).toThrow(/count/);
    expect(() => sim.createFlows(3, { prefix: 'has space' })).toThrow(/flow name/);
    expect(() => sim.createFlows(3, { region: 'eu-west-1' })).toThrow(/regions/);
    expect(sim.flowArnsByName()).toEqual({});
  });
});

describe('MediaConnectSimulator request bounds and control API origin', () => {
  let sim: MediaConnectSimulator;
  let client: MediaConnectClient;
  const json = { 'content-type': 'application/json' };
  useSimulator({ rateLimit: false }, (started) => ({ sim, client } = started));

  it('answers an oversized CreateFlow 413 in the service’s error shape and creates nothing', async () => {
    const err = await failure(client.send(new CreateFlowCommand({ Name: 'x'.repeat(100 * 1024) })));
    expect(err.$metadata?.httpStatusCode).toBe(413);
    expect(err.name).toBe('PayloadTooLargeException');
    expect(err.message).toContain('65536 bytes');
    expect(sim.flowArnsByName()).toEqual({});
    expect(sim.calls().map((call) => [call.operation, call.httpStatus])).toEqual([['CreateFlow', 413]]);
  });

  it('answers 413 as soon as a declared or streamed body passes the bound, without waiting for the rest', async () => {
    const declared = await rawExchange(
      sim.endpoint,
      `POST /v1/flows HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
      '{"name":"',
    );
    expect(declared.status).toBe(413);
    expect(declared.headers['x-amzn-errortype']).toBe('PayloadTooLargeException');
    expect(JSON.parse(declared.body)).toEqual({ message: expect.stringContaining('larger than') });

    const chunk = 'y'.repeat(70 * 1024);
    const streamed = await rawExchange(
      sim.endpoint,
      'POST /_simulator/flows HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    expect(streamed.status).toBe(413);
    expect(streamed.headers['x-amzn-errortype']).toBe('PayloadTooLargeException');
    expect(sim.flowArnsByName()).toEqual({});
  });

  it('answers a malformed JSON body 400 BadRequestException, on the wire API and the control API', async () => {
    for (const path of ['/v1/flows', '/_simulator/flows']) {
      const response = await fetch(`${sim.endpoint}${path}`, {
        method: 'POST',
        headers: json,
        body: '{"name": "Broken"',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe(AwsErrorName.BadRequest);
      expect(await response.json()).toEqual({ message: 'The request body is not valid JSON.' });
    }
    expect(sim.flowArnsByName()).toEqual({});
  });

  it('refuses a control request from another origin with 403, and a body that is not JSON with 415', async () => {
    const foreign = await fetch(`${sim.endpoint}/_simulator/flows`, {
      method: 'POST',
      headers: { ...json, origin: 'http://evil.example' },
      body: '{"name":"Evil"}',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('x-amzn-errortype')).toBe(AwsErrorName.Forbidden);
    expect(((await foreign.json()) as { message: string }).message).toContain('evil.example');
    const foreignRead = await fetch(`${sim.endpoint}/_simulator/stats`, { headers: { origin: 'null' } });
    expect(foreignRead.status).toBe(403);

    const text = await fetch(`${sim.endpoint}/_simulator/flows`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"name":"Plain"}',
    });
    expect(text.status).toBe(415);
    expect(sim.flowArnsByName()).toEqual({});

    const own = await fetch(`${sim.endpoint}/_simulator/flows`, {
      method: 'POST',
      headers: { ...json, origin: sim.endpoint },
      body: '{"name":"Mine"}',
    });
    expect(own.status).toBe(201);
    expect(Object.keys(sim.flowArnsByName())).toEqual(['Mine']);
  });
});
