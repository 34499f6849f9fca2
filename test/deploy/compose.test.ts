/**
 * The deployable stack as files: docker-compose.yml, the Dockerfile and deploy/. No Docker engine
 * is needed: the files are parsed and their wiring is checked against each other and against the
 * code (search attributes, the bundle script's output, the simulator's entry point).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../../src/common/search-attributes';
import { DEFAULT_BUNDLE_PATH } from '../../scripts/bundle-workflows';
import { MetricNames } from '../../src/common/metrics';
import { DASHBOARD_PATH, dashboardSelectors } from '../support/prometheus';

const REPO = path.resolve(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  entrypoint?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** How docker-compose.yml publishes every port: on PUBLISH_ADDRESS, loopback unless the user widens it. */
const PUBLISHED_ON = '${PUBLISH_ADDRESS:-127.0.0.1}';

/** `PUBLISHED_ON:port:port`, the one form a published port takes in docker-compose.yml. */
function published(port: string | number): string {
  return `${PUBLISHED_ON}:${port}:${port}`;
}

function env(name: string): Record<string, string> {
  return service(name).environment ?? {};
}

/** Every service `name` waits for, directly or through another one, with the condition it waits on. */
function waitsFor(name: string, seen = new Map<string, string>()): Map<string, string> {
  for (const [dependency, { condition }] of Object.entries(service(name).depends_on ?? {})) {
    if (seen.has(dependency)) continue;
    seen.set(dependency, condition);
    waitsFor(dependency, seen);
  }
  return seen;
}

/** The repository path a service's `./host:/container` volume maps onto a container path, if any. */
function hostPathOf(name: string, containerPath: string): string | undefined {
  for (const volume of service(name).volumes ?? []) {
    const [host, mount] = volume.split(':');
    if (host.startsWith('./') && (containerPath === mount || containerPath.startsWith(`${mount}/`))) {
      return path.join(REPO, host, path.relative(mount, containerPath));
    }
  }
  return undefined;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfileInstructions(): Array<{ instruction: string; args: string }> {
  const text = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction, ...rest] = line.split(/\s+/);
      return { instruction: instruction.toUpperCase(), args: rest.join(' ') };
    });
}

function dockerfileEnv(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const { args } of dockerfileInstructions().filter((i) => i.instruction === 'ENV')) {
    for (const [, key, value] of args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) vars[key] = value;
  }
  return vars;
}

function envFile(relativePath: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path.join(REPO, relativePath), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the schema and namespace set-ups, Temporal, its Web UI, the worker, the simulator, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'grafana',
        'postgresql',
        'prometheus',
        'simulator',
        'temporal',
        'temporal-setup-namespace',
        'temporal-setup-schema',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('publishes every port on PUBLISH_ADDRESS, which defaults to loopback (Temporal has no authentication here)', () => {
    const ports = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((port) => ({ name, port })));
    expect(ports.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['temporal', 'temporal-ui', 'worker', 'simulator']),
    );
    for (const { name, port } of ports) {
      // The short form only: a long-form entry or a bare "7233:7233" would publish on every interface.
      expect({ name, port }).toEqual({
        name,
        port: expect.stringMatching(/^\$\{PUBLISH_ADDRESS:-127\.0\.0\.1\}:(\d+):\1$/),
      });
    }
    const text = readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/0\.0\.0\.0:\d+:\d+/);
    expect(text.match(/\$\{PUBLISH_ADDRESS[^}]*\}/g)?.every((use) => use === PUBLISHED_ON)).toBe(true);
  });

  it('pins every image to a version (no :latest, no missing tag)', () => {
    const images = Object.entries(services).filter(([, s]) => s.image !== undefined);
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const [name, { image }] of images) {
      expect({ name, image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9./-]+:v?\d[\w.-]*$/) });
    }
  });

  it('uses temporalio/server with admin-tools of the same version, not the deprecated auto-setup image', () => {
    const version = (name: string) => service(name).image!.split(':')[1];
    expect(service('temporal').image).toMatch(/^temporalio\/server:/);
    expect(service('temporal-setup-schema').image).toMatch(/^temporalio\/admin-tools:/);
    expect(version('temporal-setup-schema')).toBe(version('temporal'));
    expect(version('temporal-setup-namespace')).toBe(version('temporal'));
    expect(JSON.stringify(services)).not.toContain('auto-setup');
  });

  it('starts Temporal only once PostgreSQL is healthy and the schema is set up', () => {
    expect(service('postgresql').healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(waitsFor('temporal-setup-schema').get('postgresql')).toBe('service_healthy');
    expect(waitsFor('temporal').get('temporal-setup-schema')).toBe('service_completed_successfully');
    expect(waitsFor('temporal').get('postgresql')).toBe('service_healthy');
    expect(service('temporal').healthcheck?.test).toEqual(['CMD', 'nc', '-z', '127.0.0.1', '7233']);
  });

  it("gives Temporal and the schema set-up PostgreSQL's own host, user and password", () => {
    const postgres = env('postgresql');
    expect(env('temporal')).toMatchObject({
      DB: 'postgres12',
      DB_PORT: '5432',
      POSTGRES_SEEDS: 'postgresql',
      POSTGRES_USER: postgres.POSTGRES_USER,
      POSTGRES_PWD: postgres.POSTGRES_PASSWORD,
      BIND_ON_IP: '0.0.0.0',
    });
    expect(env('temporal-setup-schema')).toMatchObject({
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: 'postgresql',
      SQL_PORT: '5432',
      SQL_USER: postgres.POSTGRES_USER,
      SQL_PASSWORD: postgres.POSTGRES_PASSWORD,
    });
  });

  it('mounts set-up scripts and dynamic config that exist in the repository', () => {
    for (const name of ['temporal-setup-schema', 'temporal-setup-namespace']) {
      const script = hostPathOf(name, service(name).command![0]);
      expect({
        name,
        script: script && path.relative(REPO, script),
        exists: script !== undefined && existsSync(script),
      }).toEqual({
        name,
        script: `deploy/temporal/${name.replace('temporal-', '')}.sh`,
        exists: true,
      });
    }
    const dynamicConfig = env('temporal').DYNAMIC_CONFIG_FILE_PATH;
    expect(dynamicConfig).toMatch(/^\/etc\/temporal\//);
    expect(existsSync(hostPathOf('temporal', dynamicConfig) ?? '')).toBe(true);
    expect(parse(readFileSync(hostPathOf('temporal', dynamicConfig)!, 'utf8'))).toEqual(expect.any(Object));
  });

  it("registers every search attribute of SEARCH_ATTRIBUTE_DECLARATIONS on the worker's namespace", () => {
    const declared = Object.fromEntries(
      env('temporal-setup-namespace')
        .SEARCH_ATTRIBUTES.split(/\s+/)
        .map((pair) => pair.split('=')),
    );
    expect(declared).toEqual(SEARCH_ATTRIBUTE_DECLARATIONS);
    expect(env('temporal-setup-namespace').TEMPORAL_NAMESPACE).toBe(env('worker').TEMPORAL_NAMESPACE);
    expect(waitsFor('temporal-setup-namespace').get('temporal')).toBe('service_healthy');
  });

  it("points the Web UI at the Temporal service's gRPC port", () => {
    const [published] = service('temporal').ports!;
    const grpcPort = published.split(':').pop();
    expect(env('temporal-ui').TEMPORAL_ADDRESS).toBe(`temporal:${grpcPort}`);
    expect(waitsFor('temporal-ui').get('temporal')).toBe('service_healthy');
  });

  describe('the worker', () => {
    const worker = env('worker');

    it('is built from this repository and reaches Temporal by its service name', () => {
      expect(service('worker').build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(worker.TEMPORAL_ADDRESS).toBe(`temporal:${service('temporal').ports![0].split(':').pop()}`);
      expect(worker.TEMPORAL_TASK_QUEUE).toBe('${TEMPORAL_TASK_QUEUE:-mediaconnect}');
    });

    it('starts once Temporal is healthy and its namespace and search attributes are registered', () => {
      expect(waitsFor('worker').get('temporal')).toBe('service_healthy');
      expect(waitsFor('worker').get('temporal-setup-namespace')).toBe('service_completed_successfully');
    });

    it('waits for the simulator when, and only when, its profile is on', () => {
      expect(service('worker').depends_on?.simulator).toEqual({ condition: 'service_healthy', required: false });
      expect(service('worker').profiles).toBeUndefined();
    });

    it('takes AWS credentials from the host environment, never from the file', () => {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
        expect({ name, value: worker[name] }).toEqual({ name, value: `\${${name}:-}` });
      }
      const secretLike = Object.entries(worker).filter(([key]) => /SECRET|TOKEN|PASSWORD|API_KEY|ACCESS_KEY/.test(key));
      for (const [key, value] of secretLike)
        expect({ key, value }).toEqual({ key, value: expect.stringMatching(/^\$\{[A-Z_]+(:-)?\}$/) });
      expect(readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8')).not.toMatch(/AKIA[0-9A-Z]{16}/);
    });

    it('logs JSON lines and serves Prometheus metrics on a published port', () => {
      expect(worker.LOG_FORMAT).toBe('json');
      expect(worker.TEMPORAL_METRICS_BIND_ADDRESS).toBe('0.0.0.0:9464');
      expect(service('worker').ports).toContain(published(9464));
      expect(service('worker').healthcheck?.test.join(' ')).toContain('http://127.0.0.1:9464/metrics');
    });

    it("loads the workflow bundle the image builds, at the image's WORKFLOW_BUNDLE_PATH", () => {
      expect(worker.WORKFLOW_BUNDLE_PATH).toBe(dockerfileEnv().WORKFLOW_BUNDLE_PATH);
    });
  });

  describe('the simulator', () => {
    const simulator = service('simulator');
    const simulatorEnv = envFile('deploy/simulator.env');

    it('runs only under the "simulator" profile, from the worker image', () => {
      expect(simulator.profiles).toEqual(['simulator']);
      expect(simulator.build).toEqual(service('worker').build);
    });

    it('runs the compiled simulator-main entry point, listening on all interfaces of the container', () => {
      const [node, entry, ...args] = simulator.command!;
      expect(node).toBe('node');
      expect(entry).toBe('lib/testing/simulator-main.js');
      expect(existsSync(path.join(REPO, 'src', 'testing', 'simulator-main.ts'))).toBe(true);
      expect(args.slice(args.indexOf('--host'), args.indexOf('--host') + 2)).toEqual(['--host', '0.0.0.0']);
    });

    it('is the endpoint deploy/simulator.env gives the worker, on the port it listens on', () => {
      const port = simulator.command![simulator.command!.indexOf('--port') + 1];
      expect(simulatorEnv.AWS_ENDPOINT_URL_MEDIACONNECT).toBe(`http://simulator:${port}`);
      expect(simulatorEnv.COMPOSE_PROFILES).toBe('simulator');
      expect(simulator.ports).toContain(published(port));
      expect(simulator.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/_simulator/stats`);
    });

    it('is asked for flows in the region the worker signs for', () => {
      expect(simulator.command![simulator.command!.indexOf('--region') + 1]).toBe(env('worker').AWS_REGION);
    });
  });
});

describe('the "observability" profile', () => {
  const prometheus = service('prometheus');
  const grafana = service('grafana');
  const metricsPort = env('worker').TEMPORAL_METRICS_BIND_ADDRESS.split(':').pop();

  function yamlAt(name: string, containerPath: string): Record<string, unknown> {
    const file = hostPathOf(name, containerPath);
    expect({ containerPath, mounted: file !== undefined && existsSync(file) }).toEqual({
      containerPath,
      mounted: true,
    });
    return parse(readFileSync(file!, 'utf8')) as Record<string, unknown>;
  }

  it('runs Prometheus and Grafana only under the "observability" profile, from their official images', () => {
    expect(prometheus.profiles).toEqual(['observability']);
    expect(grafana.profiles).toEqual(['observability']);
    expect(prometheus.image).toMatch(/^prom\/prometheus:v3\./);
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\./);
    expect(prometheus.ports).toEqual([published(9090)]);
    expect(grafana.ports).toEqual([published(3000)]);
  });

  it("has Prometheus scrape the worker's metrics endpoint, from the file where the image reads its configuration", () => {
    // prom/prometheus runs --config.file=/etc/prometheus/prometheus.yml; the default metrics_path is /metrics.
    const config = yamlAt('prometheus', '/etc/prometheus/prometheus.yml') as {
      scrape_configs: Array<{ metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    expect(targets).toEqual([`worker:${metricsPort}`]);
    expect(config.scrape_configs[0].metrics_path ?? '/metrics').toBe('/metrics');
  });

  it('provisions Grafana with the Prometheus data source, from where the image reads provisioning', () => {
    // grafana/grafana reads provisioning from GF_PATHS_PROVISIONING, /etc/grafana/provisioning.
    const file = yamlAt('grafana', '/etc/grafana/provisioning/datasources/prometheus.yml') as {
      datasources: Array<{ type: string; uid: string; url: string }>;
    };
    expect(file.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
    expect(waitsFor('grafana').has('prometheus')).toBe(true);
  });

  it('provisions the dashboard from a folder the compose file mounts, with every panel on that data source', () => {
    const providers = (
      yamlAt('grafana', '/etc/grafana/provisioning/dashboards/mediaconnect.yml') as {
        providers: Array<{ type: string; options: { path: string } }>;
      }
    ).providers;
    expect(providers).toHaveLength(1);
    const folder = hostPathOf('grafana', providers[0].options.path);
    expect(folder && path.relative(REPO, folder)).toBe(path.relative(REPO, path.dirname(DASHBOARD_PATH)));
    expect(hostPathOf('grafana', env('grafana').GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH)).toBe(DASHBOARD_PATH);
    const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as {
      uid: string;
      panels: Array<{ datasource: { uid: string }; targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBe('temporal-mediaconnect');
    for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe('prometheus');
  });

  it("charts every metric of the package, and queries only the package's metrics and the SDK's", () => {
    // test/observability/metrics.test.ts checks each of these metrics, and the labels queried, against a real scrape.
    const base = (metric: string) => metric.replace(/_(bucket|sum|count)$/, '');
    const queried = new Set(dashboardSelectors().map((s) => base(s.metric)));
    expect([...queried].filter((m) => !m.startsWith('temporal_')).sort()).toEqual(Object.values(MetricNames).sort());
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfileInstructions();
  const runs = instructions.filter((i) => i.instruction === 'RUN').map((i) => i.args);

  it('builds on a pinned Node LTS Debian slim image, the release .ci/run also tests on, in a build and a runtime stage', () => {
    const nodeImage = instructions
      .find((i) => i.instruction === 'ARG' && i.args.startsWith('NODE_IMAGE='))
      ?.args.split('=')[1];
    const [, version, major] = /^node:((\d+)\.\d+\.\d+)-(?:trixie|bookworm)-slim$/.exec(nodeImage ?? '') ?? [];
    // Even-numbered majors are the LTS lines; 26 is Active LTS since October 2026.
    expect(Number(major)).toBeGreaterThanOrEqual(26);
    expect(Number(major) % 2).toBe(0);
    expect(readFileSync(path.join(REPO, '.ci', 'run'), 'utf8')).toContain(`LTS_NODE_VERSION=${version}`);
    expect(instructions.filter((i) => i.instruction === 'FROM').map((i) => i.args)).toEqual([
      '${NODE_IMAGE} AS build',
      '${NODE_IMAGE} AS runtime',
    ]);
  });

  it("compiles with npm ci and npm run build, then bundles the workflows with the package's bundle command to where WORKFLOW_BUNDLE_PATH points", () => {
    const workdir = instructions.find((i) => i.instruction === 'WORKDIR')?.args;
    expect(runs.some((r) => r.startsWith('npm ci ') && !r.includes('--omit=dev'))).toBe(true);
    const build = runs.find((r) => r.includes('npm run build'));
    expect(build).toContain(`node lib/cli/main.js bundle ${DEFAULT_BUNDLE_PATH}`);
    expect(dockerfileEnv().WORKFLOW_BUNDLE_PATH).toBe(path.posix.join(workdir!, DEFAULT_BUNDLE_PATH));
  });

  it('runs production dependencies only (the @temporalio peers among them), as the unprivileged node user, with system CA certificates for TLS', () => {
    // The peers are dev dependencies of this repository: they become dependencies before the prune.
    const prune = runs.find((r) => r.includes('npm prune --omit=dev'));
    expect(prune).toMatch(
      /peerDependencies\)\) \{ p\.dependencies\[name\] = p\.devDependencies\[name\]; delete p\.devDependencies\[name\]/,
    );
    const peers = Object.keys(
      (
        JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
          peerDependencies: Record<string, string>;
        }
      ).peerDependencies,
    );
    expect(peers).toEqual(
      expect.arrayContaining([
        '@temporalio/worker',
        '@temporalio/workflow',
        '@temporalio/activity',
        '@temporalio/client',
      ]),
    );
    const copies = instructions.filter((i) => i.instruction === 'COPY').map((i) => i.args);
    expect(copies).toEqual(
      expect.arrayContaining(['--from=build /app/node_modules ./node_modules', '--from=build /app/lib ./lib']),
    );
    expect(runs.some((r) => r.includes('apt-get install') && r.includes('ca-certificates'))).toBe(true);
    const lastUser = instructions.filter((i) => i.instruction === 'USER').pop()?.args;
    expect(lastUser).toBe('node');
  });

  it("starts the package's `worker` command, as the compose stack's worker does", () => {
    const cmd = JSON.parse(instructions.filter((i) => i.instruction === 'CMD').pop()!.args) as string[];
    expect(cmd).toEqual(['node', 'lib/cli/main.js', 'worker']);
    expect(service('worker').command).toEqual(cmd);
    expect(
      (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin[
        'temporal-mediaconnect'
      ],
    ).toBe(cmd[1]);
    // tsconfig.build.json compiles src/ into lib/, so lib/cli/main.js is src/cli/main.ts.
    const build = JSON.parse(readFileSync(path.join(REPO, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    const source = path.join(
      REPO,
      cmd[1]
        .replace(new RegExp(`^${build.compilerOptions.outDir}/`), `${build.compilerOptions.rootDir}/`)
        .replace(/\.js$/, '.ts'),
    );
    expect(existsSync(source)).toBe(true);
  });

  it('sends no credentials or local build output into the build context', () => {
    const ignored = readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'lib', '.git', '.env', '*.env', '.aws']));
  });
});
