// Type-checked under moduleResolution node, node16 and bundler: every entry point, as a consumer uses it.
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import {
  createActivities,
  createMediaConnectClient,
  createWorker,
  FlowStatus,
  parseFlowArn,
  type BringFlowOnlineResult,
} from 'temporal-mediaconnect';
import { bringFlowOnlineWorkflowId, startBringFlowOnline } from 'temporal-mediaconnect/client';
import {
  createActivities as createActivitiesFromSubpath,
  type MediaConnectActivities,
} from 'temporal-mediaconnect/activities';
import { bringFlowOnline, progressQuery } from 'temporal-mediaconnect/workflows';
import { MediaConnectSimulator } from 'temporal-mediaconnect/testing';
import { createFlowStatusChangeHandler, handler, type FlowStatusChangeEvent } from 'temporal-mediaconnect/lambda';
import packageJson from 'temporal-mediaconnect/package.json';

export async function consumer(client: Client, flowArn: string): Promise<BringFlowOnlineResult> {
  const status: string = FlowStatus.ACTIVE;
  const region: string = parseFlowArn(flowArn).region;
  const id: string = bringFlowOnlineWorkflowId(flowArn);
  const simulator: MediaConnectSimulator = await MediaConnectSimulator.start({ region });
  const mediaConnect = createMediaConnectClient({ endpoint: simulator.endpoint });
  const activities: MediaConnectActivities = createActivitiesFromSubpath({ client: mediaConnect });
  void createActivities;
  const connection = await NativeConnection.connect({ address: 'localhost:7233' });
  const worker = await createWorker({ connection, namespace: 'default', taskQueue: 'q', mediaConnect });
  const handle = await startBringFlowOnline(client, { flowArn });
  const progress = await handle.query(progressQuery);
  const result: BringFlowOnlineResult = await worker.runUntil(handle.result());
  const version: string = packageJson.version;
  const event: FlowStatusChangeEvent = {
    version: '0',
    id: 'e',
    'detail-type': 'MediaConnect Flow Status Change',
    source: 'aws.mediaconnect',
    account: '111122223333',
    time: '2026-11-27T05:00:00Z',
    region,
    resources: [flowArn],
    detail: { previousStatus: 'STARTING', currentStatus: 'ACTIVE' },
  };
  const forwarded = await createFlowStatusChangeHandler({ env: {} })(event);
  void [status, id, activities, bringFlowOnline, progress, version, handler, forwarded.outcome];
  return result;
}
