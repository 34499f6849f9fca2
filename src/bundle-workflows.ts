/**
 * Pre-bundles this package's workflows for production workers, so that a worker starts in a
 * second instead of running webpack at start-up, and runs exactly the code that was built and
 * tested. The worker loads the file named by WORKFLOW_BUNDLE_PATH.
 *
 *   temporal-mediaconnect bundle <outputPath>      (the installed package's command)
 *
 * The Dockerfile runs it after `npm run build` and sets WORKFLOW_BUNDLE_PATH to the same path.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@temporalio/worker';
import { loadTemporalWorker } from './temporal-worker';

/** This package's workflows module (`temporal-mediaconnect/workflows`): every workflow the worker registers. */
export const WORKFLOWS_PATH = path.join(__dirname, 'workflows');

export interface BundleWorkflowsOptions {
  /** The workflows module to bundle (a file, or a folder with an index). @default WORKFLOWS_PATH */
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
 * source map inlined) to `outputPath` (relative to the current directory), creating the folder if needed.
 */
export async function bundleWorkflows(
  outputPath: string,
  options: BundleWorkflowsOptions = {},
): Promise<WorkflowBundleFile> {
  const { bundleWorkflowCode, DefaultLogger } = loadTemporalWorker();
  const { code } = await bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH,
    logger: options.logger ?? new DefaultLogger('WARN'),
  });
  const target = path.resolve(outputPath);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, code);
  return { path: target, bytes: Buffer.byteLength(code) };
}
