/**
 * Pre-bundles this package's workflows from a checkout (the installed package has
 * `temporal-mediaconnect bundle <outputPath>` for the same).
 *
 *   npx tsx scripts/bundle-workflows.ts [outputPath]     (default: lib/workflow-bundle.js, in the repository)
 */
import path from 'node:path';
import {
  bundleWorkflows as bundleWorkflowsFrom,
  type BundleWorkflowsOptions,
  type WorkflowBundleFile,
} from '../src/bundle-workflows';

export { WORKFLOWS_PATH, type BundleWorkflowsOptions, type WorkflowBundleFile } from '../src/bundle-workflows';

const REPO = path.resolve(__dirname, '..');

/** Where the bundle goes unless told otherwise, relative to the repository: the Dockerfile's WORKFLOW_BUNDLE_PATH. */
export const DEFAULT_BUNDLE_PATH = 'lib/workflow-bundle.js';

/** `bundleWorkflows` with a relative `outputPath` taken from the repository's root. */
export function bundleWorkflows(
  outputPath: string = DEFAULT_BUNDLE_PATH,
  options: BundleWorkflowsOptions = {},
): Promise<WorkflowBundleFile> {
  return bundleWorkflowsFrom(path.resolve(REPO, outputPath), options);
}

if (require.main === module) {
  const outputPath = process.argv[2] ?? DEFAULT_BUNDLE_PATH;
  bundleWorkflows(outputPath).then(
    ({ path: written, bytes }) =>
      console.log(`Workflow bundle written to ${written} (${Math.round(bytes / 1024)} KiB)`),
    (err: unknown) => {
      console.error(`bundle-workflows: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
