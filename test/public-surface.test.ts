/**
 * The package's public surface: what each entry point of package.json's `exports` map publishes.
 * Every name is listed in the entry point's `index.ts`; these tests keep the README's examples
 * importable and keep internals (the request budget's arithmetic, input checks, helpers) out.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
};

/** The source file of an entry point (`.` → `src/index.ts`), from the compiled path in the exports map. */
function entrySource(subpath: string): string {
  const target = packageJson.exports[subpath];
  const compiled = typeof target === 'string' ? target : (target.require ?? target.default ?? target.types);
  return path.join(ROOT, compiled.replace(/^\.\/lib\//, 'src/').replace(/\.(d\.ts|js)$/, '.ts'));
}

/** `import { a, type B } from 'temporal-mediaconnect/x'` lines of the README's code blocks. */
function readmeImports(): { subpath: string; name: string; typeOnly: boolean }[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const found: { subpath: string; name: string; typeOnly: boolean }[] = [];
  for (const match of readme.matchAll(/import (type )?\{([^}]*)\} from '(temporal-mediaconnect[^']*)'/g)) {
    const subpath = `.${match[3].slice(packageJson.name.length)}`;
    for (const raw of match[2]
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const typeOnly = Boolean(match[1]) || raw.startsWith('type ');
      found.push({ subpath, name: raw.replace(/^type /, '').split(/\s+as\s+/)[0], typeOnly });
    }
  }
  return found;
}

describe('the public surface', () => {
  it("exports every name the README's examples import", () => {
    const imports = readmeImports();
    expect(imports.length).toBeGreaterThanOrEqual(5); // the parser found the examples
    for (const { subpath, name, typeOnly } of imports) {
      const source = entrySource(subpath);
      if (typeOnly) {
        expect({ subpath, name, listed: new RegExp(`\\b${name}\\b`).test(readFileSync(source, 'utf8')) }).toEqual({
          subpath,
          name,
          listed: true,
        });
      } else {
        expect({ subpath, name, exported: name in (require(source) as object) }).toEqual({
          subpath,
          name,
          exported: true,
        });
      }
    }
  });

  it('lists its names in every index.ts instead of re-exporting whole modules', () => {
    const codeEntries = Object.keys(packageJson.exports).filter((subpath) => entrySource(subpath).endsWith('.ts'));
    expect(codeEntries).toContain('.');
    for (const subpath of codeEntries) {
      expect({ subpath, exportStar: /^export \* from/m.test(readFileSync(entrySource(subpath), 'utf8')) }).toEqual({
        subpath,
        exportStar: false,
      });
    }
  });

  it('keeps the request budget arithmetic and the input checks internal', () => {
    const root = require(entrySource('.')) as Record<string, unknown>;
    for (const internal of [
      'reserve',
      'afterThrottle',
      'tokensAvailable',
      'waitFor',
      'checkBringFlowOnlineInput',
      'checkBringFleetOnlineInput',
      'checkTakeFleetOfflineInput',
      'checkEventDayInput',
      'durationOption',
      'invalidInput',
      'flowDetailsMarkdown',
    ]) {
      expect({ internal, exported: internal in root }).toEqual({ internal, exported: false });
    }
  });

  it('exports only workflows as functions from the workflows entry point, since a worker registers every exported function as a workflow type', () => {
    const workflows = require(entrySource('./workflows')) as Record<string, unknown>;
    const functions = Object.entries(workflows)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(functions.sort()).toEqual([
      'bringFleetOnline',
      'bringFlowOnline',
      'eventDay',
      'mediaConnectRequestBudget',
      'takeFleetOffline',
      'takeFlowOffline',
    ]);
  });

  it('exports the take-offline helpers from the root and the client entry points, and the workflows from theirs', () => {
    for (const subpath of ['.', './client']) {
      const entry = require(entrySource(subpath)) as Record<string, unknown>;
      for (const name of ['startTakeFlowOffline', 'startTakeFleetOffline', 'takeFlowOfflineWorkflowId']) {
        expect({ subpath, name, type: typeof entry[name] }).toEqual({ subpath, name, type: 'function' });
      }
    }
    const workflows = require(entrySource('./workflows')) as Record<string, unknown>;
    expect(Object.keys(workflows)).toEqual(
      expect.arrayContaining([
        'takeFlowOffline',
        'takeFleetOffline',
        'offlineProgressQuery',
        'offlineFleetProgressQuery',
      ]),
    );
  });
});
