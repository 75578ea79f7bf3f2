import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Credentials, TestApp } from '../helpers/app';
import type { Client } from '../helpers/http';
import { useTestApp } from '../helpers/use-app';

/**
 * The console's browser tests: a real Chromium (Debian's package) driven by playwright-core, one per
 * file, against an Allot listening on a loopback port. Without /usr/bin/chromium the tests say so and
 * skip; CI installs it (.ci/run).
 */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

export const SHOTS = path.resolve(__dirname, '../../test-results/console');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsoleSetup {
  t: TestApp;
  api: Client;
  /** `http://127.0.0.1:{port}` */
  base: string;
  context: BrowserContext;
  admin: Credentials;
  readOnly: Credentials;
}

/** An app on its own database (`env`: its settings), listening on loopback, and one Chromium for the file. */
export function useConsole(env: Record<string, string> = {}): ConsoleSetup {
  const s = {} as ConsoleSetup;
  const app = useTestApp({ env }, ({ t, api }) => Object.assign(s, { t, api }));
  let dir: string | undefined;
  beforeAll(async () => {
    if (!hasChromium) return;
    await app.t.app.listen({ port: 0, host: '127.0.0.1' });
    s.base = `http://127.0.0.1:${(app.t.app.server.address() as AddressInfo).port}`;
    s.admin = await app.t.application({ name: 'Console admin' });
    s.readOnly = await app.t.application({ name: 'Console reader', role: 'read_only' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'allot-chromium-'));
    await mkdir(SHOTS, { recursive: true });
    s.context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS, // the fresh --user-data-dir is `dir`, which Playwright passes itself
      viewport: { width: 1440, height: 900 },
    });
    s.context.setDefaultTimeout(5_000); // a missing element fails the test in seconds, not at its timeout
  });
  afterAll(async () => {
    await s.context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return s;
}

/**
 * A fresh tab (its own sessionStorage) that fails the test on a page error, a failed request or a
 * Content-Security-Policy violation.
 */
export async function openTab(s: ConsoleSetup): Promise<Page & { problems: string[] }> {
  const page = (await s.context.newPage()) as Page & { problems: string[] };
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return page;
}

export async function signIn(s: ConsoleSetup, page: Page, c: Credentials) {
  await page.goto(`${s.base}/console`);
  await page.getByLabel('Client ID').fill(c.client_id);
  await page.getByLabel('Client secret').fill(c.client_secret!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core run on the page as it is; serious and critical violations fail the test. */
export async function expectAccessible(page: Page, what: string) {
  // evaluated through the DevTools protocol: the page's CSP (no inline script) does not apply to it
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const r = await axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${what}`).toEqual([]);
}

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });

/** Every visible, enabled control of the page is reached by pressing Tab from the top. */
export async function expectKeyboardReachable(page: Page, what: string) {
  const count = await page.evaluate(() => {
    const d = (globalThis as any).document;
    const controls = [...d.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')].filter(
      (e: any) => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0,
    );
    for (const [i, e] of controls.entries()) (e as any).setAttribute('data-kb', String(i));
    d.activeElement?.blur();
    return controls.length;
  });
  const reached = new Set<string>();
  for (let i = 0; i < count + 3 && reached.size < count; i++) {
    await page.keyboard.press('Tab');
    const kb = await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-kb'));
    if (kb !== null && kb !== undefined) reached.add(kb);
  }
  const missed = await page.evaluate(
    (got) =>
      [...(globalThis as any).document.querySelectorAll('[data-kb]')]
        .filter((e: any) => !got.includes(e.getAttribute('data-kb')))
        .map((e: any) => e.outerHTML.slice(0, 120)),
    [...reached],
  );
  expect(missed, `controls of ${what} not reached by Tab`).toEqual([]);
}

/** The buttons a page offers beyond signing out, searching and paging: what a read_only token must not get. */
export const writeButtons = (page: Page) =>
  page
    .getByRole('button')
    .filter({ hasNotText: /^(Sign out|Search|Previous|Next)$/ })
    .allTextContents();
