/**
 * What an operator sees in the Temporal Web UI, checked in a real browser: the dev server with
 * its UI, the MediaConnect simulator, an in-process worker, and headless Chromium (Debian's
 * `chromium`, installed by `bash scripts/install-chromium.sh`) driven by playwright-core.
 *
 * One bring-up stays STARTING for the whole file and one fails with FlowError; each test then
 * opens the UI the way a user would (list, click the workflow, click a tab) and looks for text
 * on the page. Screenshots go to artifacts/ui/.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startBringFlowOnline } from '../../src/client';
import { parseFlowArn } from '../../src/common/arn';
import { MediaConnectSimulator } from '../../src/testing';
import { createWorker } from '../../src/worker';
import { progressQuery } from '../../src/workflows/bring-flow-online';
import { workflowFailure } from '../support/failures';
import { createDevServer } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { freePort, launchChromium, screenshot, VIEWPORT } from './browser';
import { mediaConnectClientFor } from '../support/aws';

const taskQueue = 'web-ui-test';
const SOURCE_ERROR = 'Source "camera-1" is not receiving content on port 5000';
/** UI pages load in a few seconds, more on a loaded 2-core machine. */
const UI_TIMEOUT_MS = 30_000;

let browser: Browser;
let env: TestWorkflowEnvironment;
let sim: MediaConnectSimulator;
let worker: Worker;
let workerRunning: Promise<void>;
let workflowsUrl: string;
/** Workflow ids of the two bring-ups. */
let running: string;
let failed: string;
/** The running bring-up's flow account, as its ARN names it. */
let runningAccountId: string;

beforeAll(async () => {
  browser = await launchChromium(); // first: no Chromium, no servers started
  const uiPort = await freePort();
  [env, sim] = await Promise.all([
    createDevServer({ server: { ip: '127.0.0.1', ui: true, uiPort } }),
    MediaConnectSimulator.start({ rateLimit: false }),
  ]);
  workflowsUrl = `http://127.0.0.1:${uiPort}/namespaces/default/workflows`;
  const mediaConnect = mediaConnectClientFor(sim.endpoint);
  worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, mediaConnect });
  workerRunning = worker.run();

  const stillStarting = sim.createFlow({ name: 'AwardsShow', startingDuration: 1e9 });
  const broken = sim.createFlow({
    name: 'RedCarpet',
    startingDuration: 500,
    outcome: 'ERROR',
    errorMessages: [SOURCE_ERROR],
  });
  const [runningHandle, failedHandle] = await Promise.all([
    startBringFlowOnline(env.client, { flowArn: stillStarting }, { taskQueue }),
    startBringFlowOnline(env.client, { flowArn: broken }, { taskQueue }),
  ]);
  running = runningHandle.workflowId;
  runningAccountId = parseFlowArn(stillStarting).accountId;
  failed = failedHandle.workflowId;
  expect((await workflowFailure(failedHandle.result())).type).toBe('FlowError');
  await waitFor(
    'the running bring-up to check the status twice',
    async () => (await runningHandle.query(progressQuery)).polls >= 2,
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  worker?.shutdown();
  await workerRunning;
  await env?.teardown();
  await sim?.stop();
});

let context: BrowserContext;
let page: Page;

beforeEach(async () => {
  context = await browser.newContext({ viewport: VIEWPORT });
  page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
});

afterEach(async () => {
  await context?.close();
});

/** The workflow list, optionally filtered by a visibility query as typed in the UI's filter. */
async function openWorkflowList(query?: string): Promise<void> {
  await page.goto(query === undefined ? workflowsUrl : `${workflowsUrl}?query=${encodeURIComponent(query)}`);
}

/** The list's link to a workflow, labelled by its workflow id. */
const workflowLink = (workflowId: string) => page.getByRole('link', { name: workflowId, exact: true });

/** The list's columns in view, in order, as the Configure Columns drawer lists them. */
async function columnsInView(): Promise<string[]> {
  const labels = await page
    .getByRole('button', { name: /^Remove .* column$/ })
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''));
  return labels.map((label) => label.replace(/^Remove (.*) column$/, '$1'));
}

/** From the list, open a workflow as a user does: click its id. */
async function openWorkflowFromList(workflowId: string): Promise<void> {
  await openWorkflowList();
  await workflowLink(workflowId).click();
  await page.getByRole('tab', { name: 'User Metadata' }).waitFor();
}

/** Text of one of the User Metadata tab's panels, rendered from Markdown in its own iframe. */
async function userMetadata(panel: 'summary' | 'details' | 'current-details'): Promise<string> {
  const body = page.frameLocator(`iframe#user-metadata-${panel}`).locator('body');
  await body.getByText(/\S/).first().waitFor();
  return (await body.innerText()).trim();
}

describe('the Temporal Web UI', () => {
  it('lists both bring-ups, and with the flow name and status columns added shows each flow’s name and last status', async () => {
    await openWorkflowList();
    await workflowLink(running).waitFor();
    await workflowLink(failed).waitFor();

    // Configure Columns: add our search attributes and move them up to just after the status.
    await page.getByRole('button', { name: 'Configure Columns' }).click();
    for (const [position, column] of [
      [1, 'MediaConnectFlowName'],
      [2, 'MediaConnectFlowStatus'],
    ] as const) {
      await page.getByRole('button', { name: `Add ${column} column` }).click();
      while ((await columnsInView()).indexOf(column) > position) {
        await page.getByRole('button', { name: `Move ${column} column up` }).click();
      }
    }
    const close = page.getByRole('button', { name: 'Close Workflows Table configuration' });
    await close.click();
    await close.waitFor({ state: 'hidden' });

    const row = (workflowId: string) => page.getByRole('row').filter({ has: workflowLink(workflowId) });
    await row(running).getByText('AwardsShow', { exact: true }).waitFor();
    await row(running).getByText('STARTING', { exact: true }).waitFor();
    await row(failed).getByText('RedCarpet', { exact: true }).waitFor();
    await row(failed).getByText('ERROR', { exact: true }).waitFor();
    await screenshot(page, 'workflow-list', { forDocs: true });
  });

  it('shows a running bring-up’s summary, static details and live status under User Metadata', async () => {
    await openWorkflowFromList(running);
    await page.getByRole('tab', { name: 'User Metadata' }).click();

    expect(await userMetadata('summary')).toBe('Bring AwardsShow online');
    const details = await userMetadata('details');
    expect(details).toContain('MediaConnect flow AwardsShow');
    expect(details).toContain('region: us-east-1');
    expect(details).toContain(`account: ${runningAccountId}`);
    const current = await userMetadata('current-details');
    expect(current).toContain('status: STARTING');
    const statusChecks = Number(/status checks: (\d+)/.exec(current)?.[1]);
    expect(statusChecks).toBeGreaterThanOrEqual(2);

    await screenshot(page, 'running-bring-up', {
      scrollTo: page.getByRole('tab', { name: 'Timeline' }),
      forDocs: true,
    });
  });

  it('shows a failed bring-up’s failure message in its history and the failure type FlowError in the failed event', async () => {
    await openWorkflowFromList(failed);
    await page.getByRole('tab', { name: /Event History/ }).click();

    // The newest event first, its failure message in the row itself.
    const failedEvent = page.getByText('Workflow Execution Failed').first();
    await failedEvent.waitFor();
    await page.getByText(`Flow RedCarpet went to ERROR: ${SOURCE_ERROR}`, { exact: true }).waitFor();

    // Opening the event shows the whole failure, its type included (and, further down, the
    // flow's error messages in its details; the JSON viewer only renders the lines in view).
    await failedEvent.click();
    const expanded = page.getByTestId('event-summary-row-expanded');
    await expanded.getByText('"FlowError"').waitFor();

    await expanded.getByText('Retry State').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'failed-bring-up', { forDocs: true });
  });

  it('filters the list by the last flow status the bring-ups saw', async () => {
    await openWorkflowList('MediaConnectFlowStatus="ERROR"');
    await workflowLink(failed).waitFor();
    expect(await workflowLink(running).count()).toBe(0);
    await screenshot(page, 'filtered-by-status');

    await openWorkflowList('MediaConnectFlowStatus="STARTING"');
    await workflowLink(running).waitFor();
    expect(await workflowLink(failed).count()).toBe(0);
  });
});
