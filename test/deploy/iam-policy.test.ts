/**
 * deploy/iam-policy.json is the least privilege the worker needs: exactly the MediaConnect
 * operations its code can send, read from the source so that the policy cannot drift from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const SRC = path.join(REPO, 'src');

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string | string[];
}
const policy = JSON.parse(readFileSync(path.join(REPO, 'deploy', 'iam-policy.json'), 'utf8')) as {
  Version: string;
  Statement: Statement[];
};

/** Resolves a relative import the way Node and TypeScript do for this code base. */
function resolveSource(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find(existsSync);
}

/**
 * The `*Command` classes imported from @aws-sdk/client-mediaconnect by `entry` and every source
 * file it imports or re-exports (type-only imports carry no code and are skipped).
 */
function mediaConnectCommandsReachableFrom(entry: string): Set<string> {
  const commands = new Set<string>();
  const visited = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (visited.has(file)) continue;
    visited.add(file);
    const source = readFileSync(file, 'utf8');
    // `import ... from` and `export ... from` both pull the module into the worker.
    for (const [, typeOnly, names, specifier] of source.matchAll(
      /(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|[\w*\s]+)\s*from\s*'([^']+)'/g,
    )) {
      if (typeOnly) continue;
      if (specifier === '@aws-sdk/client-mediaconnect') {
        for (const name of (names ?? '').split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
          if (name.endsWith('Command')) commands.add(name.replace(/\s+as\s+\w+$/, ''));
        }
      } else if (specifier.startsWith('.')) {
        const resolved = resolveSource(file, specifier);
        if (resolved) pending.push(resolved);
      }
    }
  }
  return commands;
}

const workerCommands = mediaConnectCommandsReachableFrom(path.join(SRC, 'worker.ts'));
const policyActions = policy.Statement.flatMap((s) => s.Action);

describe('deploy/iam-policy.json', () => {
  it('finds the MediaConnect commands the worker sends (its activities and its start-up check)', () => {
    expect([...workerCommands].sort()).toEqual(
      expect.arrayContaining(['DescribeFlowCommand', 'ListFlowsCommand', 'StartFlowCommand']),
    );
  });

  it('allows exactly the actions of the MediaConnect commands the worker can send, and nothing else', () => {
    const expected = [...workerCommands].map((command) => `mediaconnect:${command.replace(/Command$/, '')}`).sort();
    expect([...policyActions].sort()).toEqual(expected);
    expect(new Set(policyActions).size).toBe(policyActions.length);
  });

  it('only allows, with no wildcard actions', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const action of statement.Action) expect(action).toMatch(/^mediaconnect:[A-Z][A-Za-z]+$/);
    }
  });

  it('scopes the per-flow actions to flow ARNs of one account, and gives ListFlows the "*" it requires', () => {
    for (const statement of policy.Statement) {
      const resources = ([] as string[]).concat(statement.Resource);
      if (statement.Action.includes('mediaconnect:ListFlows')) {
        expect(statement.Action).toEqual(['mediaconnect:ListFlows']);
        expect(resources).toEqual(['*']);
      } else {
        expect(resources).toEqual(['arn:aws:mediaconnect:*:ACCOUNT_ID:flow:*:*']);
      }
    }
  });
});
