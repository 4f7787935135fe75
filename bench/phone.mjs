// The public pages on a simulated slow phone: Slow 4G (150 ms round trip, 1.6 Mbit/s down,
// 750 kbit/s up) and a CPU four times slower, empty cache, in Debian's Chromium.
// Reports per page the median over several loads of: when the largest text appears (LCP), when
// the forms are interactive (`<html data-hydrated>`), and how long the main thread was blocked in
// total (the sum of long tasks, i.e. tasks over 50 ms, while loading and hydrating).
// Usage: node bench/phone.mjs BASE_URL [loads per page, default 5]   (bench/run calls it)
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../end2end/package.json'));
const { chromium } = require('@playwright/test');

const base = process.argv[2] ?? 'http://127.0.0.1:3300';
const loads = Number(process.argv[3] ?? 5);
const pages = ['/', '/kontakt', '/kontakt/for-nagon-annan', '/remiss', '/integritet', '/kontakt?lang=ar'];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function measure(url) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(() => {
    const perf = (window.__perf = { lcp: 0, longTasks: 0, blocking: 0 });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) perf.lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        perf.longTasks += e.duration;
        perf.blocking += Math.max(0, e.duration - 50);
      }
    }).observe({ type: 'longtask', buffered: true });
  });
  const t0 = Date.now();
  await page.goto(base + url, { waitUntil: 'load' });
  const island = (await page.locator('leptos-island').count()) > 0;
  let interactive = null;
  if (island) {
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 60_000 });
    interactive = Date.now() - t0;
  }
  // Let the last tasks and paints be reported.
  await page.waitForTimeout(1500);
  const perf = await page.evaluate(() => window.__perf);
  await context.close();
  return { ...perf, interactive };
}

console.log(`page                        LCP ms   blocked ms (long tasks)   interactive ms   (median of ${loads})`);
for (const url of pages) {
  const runs = [];
  for (let i = 0; i < loads; i++) runs.push(await measure(url));
  const lcp = median(runs.map((r) => r.lcp));
  const blocked = median(runs.map((r) => r.longTasks));
  const inter = runs[0].interactive === null ? '-' : String(median(runs.map((r) => r.interactive)));
  console.log(`${url.padEnd(26)} ${String(Math.round(lcp)).padStart(7)} ${String(Math.round(blocked)).padStart(12)} ${inter.padStart(26)}`);
}
await browser.close();
