/** The demo's plan and the dev server's command line: pure, no processes. */
import { SEARCH_ATTRIBUTE_DECLARATIONS } from '../../src/common/search-attributes';
import { devServerArgs } from '../../src/dev-server/dev-server';
import { endedAsPlanned, planDemoFlows } from '../../src/demo/scenario';

describe('planDemoFlows', () => {
  it('plans six flows by default: one ends in ERROR with MediaConnect-like messages, one is throttled, the rest are steady', () => {
    const plans = planDemoFlows();
    expect(plans).toHaveLength(6);
    expect(plans.filter((p) => p.role === 'error')).toEqual([
      expect.objectContaining({
        name: 'RedCarpet',
        expected: 'FlowError',
        errorMessages: [
          expect.stringContaining('Source "RedCarpet-camera1"'),
          expect.stringContaining('Output "RedCarpet-to-MediaLive"'),
        ],
      }),
    ]);
    expect(plans.filter((p) => p.role === 'throttled')).toEqual([
      expect.objectContaining({ name: 'Backstage', expected: 'ACTIVE' }),
    ]);
    expect(new Set(plans.map((p) => p.name)).size).toBe(6);
  });

  it('varies STARTING around the typical time by at most 40%, the same way on every run', () => {
    const plans = planDemoFlows({ flows: 12, startingSeconds: 10 });
    const times = plans.map((p) => p.startingMs);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(6_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(14_000);
    expect(new Set(times).size).toBeGreaterThan(5);
    expect(planDemoFlows({ flows: 12, startingSeconds: 10 })).toEqual(plans);
  });

  it('names flows beyond its list of event-day names FeedNN', () => {
    expect(
      planDemoFlows({ flows: 14 })
        .map((p) => p.name)
        .slice(-2),
    ).toEqual(['Feed13', 'Feed14']);
  });

  it.each([
    [{ flows: 2 }, '--flows must be a whole number from 3 to 100'],
    [{ flows: 3.5 }, '--flows'],
    [{ startingSeconds: -1 }, '--starting-seconds'],
  ])('refuses %j naming the option', (options, says) => {
    expect(() => planDemoFlows(options)).toThrow(says);
  });
});

describe('endedAsPlanned', () => {
  const [steady, broken] = planDemoFlows({ flows: 3 });
  it('counts the scripted ERROR flow failing with FlowError as planned, and anything else failing as not', () => {
    expect(endedAsPlanned(broken, { state: 'failed', failure: { type: 'FlowError' } })).toBe(true);
    expect(endedAsPlanned(broken, { state: 'failed', failure: { type: 'FlowStartTimeout' } })).toBe(false);
    expect(endedAsPlanned(broken, { state: 'active' })).toBe(false);
    expect(endedAsPlanned(steady, { state: 'active' })).toBe(true);
    expect(endedAsPlanned(steady, { state: 'failed', failure: { type: 'FlowError' } })).toBe(false);
  });
});

describe('devServerArgs', () => {
  it('starts the dev server with its Web UI, a database file, and every search attribute of this package', () => {
    const args = devServerArgs({ executable: 'temporal', port: 7233, uiPort: 8233, dbFile: '.demo/temporal.db' });
    expect(args.slice(0, 2)).toEqual(['server', 'start-dev']);
    expect(args.join(' ')).toContain(
      '--ip 127.0.0.1 --port 7233 --ui-port 8233 --db-filename .demo/temporal.db --namespace default',
    );
    expect(args).not.toContain('--headless');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DECLARATIONS))
      expect(args.join(' ')).toContain(`--search-attribute ${name}=${type}`);
  });
});
