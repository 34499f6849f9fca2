// Prints, for an entry point, which @temporalio and AWS SDK packages loading it loaded. Usage: node loads.js <specifier>
require(process.argv[2]);
const loaded = new Set();
for (const file of Object.keys(require.cache)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file.slice(file.lastIndexOf('node_modules/')));
  if (match && /^@temporalio\/|^@aws-sdk\//.test(match[1])) loaded.add(match[1]);
}
process.stdout.write(`${JSON.stringify([...loaded].sort())}\n`);
