// Bundles the consumer's workflows with the consumer's own @temporalio/worker. Usage: node bundle.js <out>
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { bundleWorkflowCode } = require('@temporalio/worker');

bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'workflows.ts') }).then(
  ({ code }) => writeFileSync(process.argv[2], code),
  (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  },
);
