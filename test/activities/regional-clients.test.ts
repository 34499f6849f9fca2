/**
 * The clients of other regions are built once from the template client and share its settings;
 * the template serves its own region. Requests go over real HTTP to the simulator, which reads
 * each request's region from its SigV4 credential scope.
 */
import { DescribeFlowCommand } from '@aws-sdk/client-mediaconnect';
import { RegionalMediaConnectClients } from '../../src/activities';
import { MediaConnectSimulator } from '../../src/testing';
import { createMediaConnectClient } from '../../src/worker';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let sim: MediaConnectSimulator;
beforeAll(async () => {
  sim = await MediaConnectSimulator.start({ rateLimit: false, regions: ['us-east-1', 'us-west-2'] });
});
afterAll(() => sim?.stop());

it('serves the template’s region with the template, and builds another region’s client once, with the template’s settings', async () => {
  const template = createMediaConnectClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials });
  const clients = new RegionalMediaConnectClients(template);

  const east = await clients.forRegion('us-east-1');
  const west = await clients.forRegion('us-west-2');
  expect(east).toBe(template);
  expect(await clients.forRegion('us-west-2')).toBe(west);
  expect(await west.config.region()).toBe('us-west-2');
  expect(west.config.requestHandler).toBe(template.config.requestHandler);
  expect(await west.config.maxAttempts()).toBe(1);
  expect(await west.config.credentials()).toMatchObject({ accessKeyId: 'test' });
  expect(await clients.defaultRegion()).toBe('us-east-1');

  const backup = sim.createFlow({ name: 'Backup', region: 'us-west-2' });
  const { Flow } = await west.send(new DescribeFlowCommand({ FlowArn: backup }));
  template.destroy();
  expect(Flow?.FlowArn).toBe(backup);
  expect(sim.calls().map((c) => [c.operation, c.region, c.httpStatus])).toEqual([['DescribeFlow', 'us-west-2', 200]]);
});

it('builds every region’s client from a template that has no region of its own', async () => {
  const template = createMediaConnectClient({
    endpoint: sim.endpoint,
    region: () => Promise.reject(new Error('Region is missing')),
    credentials,
  });
  const clients = new RegionalMediaConnectClients(template);
  const west = await clients.forRegion('us-west-2');
  expect(west).not.toBe(template);
  expect(await west.config.region()).toBe('us-west-2');
  await expect(clients.defaultRegion()).rejects.toThrow('Region is missing');
  template.destroy();
});
