/**
 * Pre-bundles this package's workflows for production workers, so that a worker starts in a
 * second instead of running webpack at start-up, and runs exactly the code that was built and
 * tested. The worker loads the file named by WORKFLOW_BUNDLE_PATH.
 *
 *   npx tsx scripts/bundle-workflows.ts [outputPath]     (default: lib/workflow-bundle.js)
 *
 * The Dockerfile runs it after `npm run build` and sets WORKFLOW_BUNDLE_PATH to the same path.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type Logger } from '@temporalio/worker';

const REPO = path.resolve(__dirname, '..');

/** The worker's workflows module: every workflow it registers is exported from here. */
export const WORKFLOWS_PATH = path.join(REPO, 'src', 'workflows');

/** Where the bundle goes unless told otherwise, relative to the repository: the Dockerfile's WORKFLOW_BUNDLE_PATH. */
export const DEFAULT_BUNDLE_PATH = 'lib/workflow-bundle.js';

export interface BundleWorkflowsOptions {
  /** The workflows module to bundle. @default WORKFLOWS_PATH (src/workflows) */
  workflowsPath?: string;
  /** Receives webpack's output. @default a logger that prints warnings and errors only */
  logger?: Logger;
}

export interface WorkflowBundleFile {
  /** Absolute path of the bundle written. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * Bundles the workflows with the Temporal SDK's bundler and writes the bundle (code with its
 * source map inlined) to `outputPath`, creating the folder if needed.
 */
export async function bundleWorkflows(outputPath: string = DEFAULT_BUNDLE_PATH, options: BundleWorkflowsOptions = {}): Promise<WorkflowBundleFile> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH,
    logger: options.logger ?? new DefaultLogger('WARN'),
  });
  const target = path.resolve(REPO, outputPath);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, code);
  return { path: target, bytes: Buffer.byteLength(code) };
}

if (require.main === module) {
  const outputPath = process.argv[2] ?? DEFAULT_BUNDLE_PATH;
  bundleWorkflows(outputPath).then(
    ({ path: written, bytes }) => console.log(`Workflow bundle written to ${written} (${Math.round(bytes / 1024)} KiB)`),
    (err: unknown) => {
      console.error(`bundle-workflows: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
