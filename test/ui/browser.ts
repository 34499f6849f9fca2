/**
 * Headless Chromium for the Web UI test: Debian's `chromium` package driven by playwright-core
 * (no Playwright browser download), plus the small page helpers the test shares.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
export { freePort } from '../support/ports';

const REPO = path.resolve(__dirname, '..', '..');

/** Where Debian's package installs Chromium. Override with CHROMIUM_PATH (for example on a laptop). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of every run, git-ignored. */
export const ARTIFACTS_DIR = path.join(REPO, 'artifacts', 'ui');

/** Screenshots the README shows; refreshed from a run with UPDATE_SCREENSHOTS=1. */
export const DOCS_SCREENSHOTS_DIR = path.join(REPO, 'docs', 'screenshots');

/** The viewport every page is shot at: small enough for the README, wide enough for the UI's layout. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/**
 * Launches headless Chromium. Fails (never skips) when it is not installed, saying how to install it.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run \`bash scripts/install-chromium.sh\` (Debian's chromium package), or set CHROMIUM_PATH to a Chromium binary`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ScreenshotOptions {
  /** Scrolled to the top of the view first. The UI scrolls inside its own content pane, so a
   * "full page" shot would show no more than the viewport: scroll to what the shot is about. */
  scrollTo?: Locator;
  /** Also the README's copy, `docs/screenshots/<name>.png`, when run with UPDATE_SCREENSHOTS=1. @default false */
  forDocs?: boolean;
}

/** Saves what the viewport shows as `artifacts/ui/<name>.png` and returns the file's path. */
export async function screenshot(page: Page, name: string, options: ScreenshotOptions = {}): Promise<string> {
  await options.scrollTo?.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  if (options.forDocs && process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SCREENSHOTS_DIR, { recursive: true });
    copyFileSync(file, path.join(DOCS_SCREENSHOTS_DIR, `${name}.png`));
  }
  return file;
}
