import { test as base, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';

/** Every test fails on a console error, an uncaught exception or a hydration warning. */
export const test = base.extend<{ consoleProblems: string[]; expectedStatusUrl: RegExp | null }>({
  // Pages a test fetches on purpose with an error status (the browser logs those as errors).
  expectedStatusUrl: [null, { option: true }],
  consoleProblems: [
    async ({ page, expectedStatusUrl }, use) => {
      const problems: string[] = [];
      page.on('console', (msg) => {
        const text = msg.text();
        const url = msg.location().url ?? '';
        if (text.startsWith('Failed to load resource') && expectedStatusUrl?.test(url)) return;
        if (msg.type() === 'error' || /hydrat/i.test(text)) problems.push(`${msg.type()}: ${text} ${url}`);
      });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      if (process.env.E2E_DEBUG) page.on('console', (msg) => console.log('CONSOLE', msg.type(), msg.text().slice(0, 1500)));
      await use(problems);
      expect(problems, 'console errors or hydration warnings').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export const hydrated = (testInfo: { project: { name: string } }) => testInfo.project.name.includes('hydrated');

/** Opens a page; when JavaScript runs, waits until its islands (if any) have hydrated. */
export async function open(page: Page, url: string, js: boolean) {
  const res = await page.goto(url);
  if (js) await settled(page);
  return res;
}

/**
 * Only the public forms are islands (interactive in the browser): a page with one is ready when
 * `<html data-hydrated>` appears; a page without one loads no script or wasm at all.
 */
export async function settled(page: Page) {
  if ((await page.locator('leptos-island').count()) > 0) {
    await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
  }
}

/**
 * axe-core with the WCAG 2.1 A and AA rules: no violations allowed. axe runs as a script, so for a
 * page shown with JavaScript off its HTML is checked in a second tab that has scripts on but the
 * app's own script and wasm blocked: the same markup and styles a script-less browser shows.
 */
export async function expectAccessible(page: Page, js: boolean) {
  let target = page;
  let helper: import('@playwright/test').BrowserContext | undefined;
  if (!js) {
    const html = await page.content();
    helper = await page.context().browser()!.newContext({ viewport: page.viewportSize()!, javaScriptEnabled: true });
    target = await helper.newPage();
    await target.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    const base = `<base href="${new URL('/', page.url())}">`;
    await target.setContent(html.replace('<head>', `<head>${base}`), { waitUntil: 'load' });
  }
  const results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  await helper?.close();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary).toEqual([]);
}

/** Rows in the test database whose person has this name (read with Python's sqlite3). */
export function storedWithName(name: string): number {
  const out = execFileSync('python3', [
    '-c',
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*) from contact_requests where person_name=?", (sys.argv[2],)).fetchone()[0])',
    process.env.E2E_DB as string,
    name,
  ]);
  return Number(out.toString().trim());
}

/** A name no other test uses (letters only, as names must be). */
export function uniqueName(first: string): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < 10; i++) s += letters[Math.floor(Math.random() * letters.length)];
  return `${first} ${s[0].toUpperCase()}${s.slice(1)}`;
}
