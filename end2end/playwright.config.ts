import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

// The server under test: the debug binary built by `cargo leptos build`, on a fresh SQLite file.
const port = Number(process.env.E2E_PORT ?? 3100);
const bin = process.env.HALSOLOTS_BIN ?? path.resolve(__dirname, '../target/debug/halsolots');
export const dbFile = process.env.E2E_DB ?? path.join(os.tmpdir(), `halsolots-e2e-${process.pid}.db`);
process.env.E2E_DB = dbFile;
// The whole-journey test moves its server's clock, so it has a server (and database) of its own.
const journeyPort = port + 1;
const journeyDb = process.env.E2E_JOURNEY_DB ?? path.join(os.tmpdir(), `halsolots-journey-${process.pid}.db`);
process.env.E2E_JOURNEY_DB = journeyDb;
process.env.E2E_JOURNEY_CLOCK = `${journeyDb}.clock`;
process.env.E2E_BIN = bin;

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};
const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const desktop = { viewport: { width: 1280, height: 800 } };

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: chromium,
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
  },
  projects: [
    // The public pages on a phone, with the app's wasm and without JavaScript at all.
    { name: 'phone-hydrated', testIgnore: /staff|journey/, use: { ...phone, javaScriptEnabled: true } },
    { name: 'phone-no-js', testIgnore: /staff|journey|hydrated-only/, use: { ...phone, javaScriptEnabled: false } },
    // The staff workspace is used at a desk.
    { name: 'staff-desktop', testMatch: /staff/, use: { ...desktop, javaScriptEnabled: true } },
    {
      name: 'journey-desktop',
      testMatch: /journey/,
      use: { ...desktop, javaScriptEnabled: true, baseURL: `http://127.0.0.1:${journeyPort}` },
    },
  ],
  webServer: [
    {
      command: `rm -f "${dbFile}"* && "${bin}" serve`,
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        DATABASE_URL: `sqlite://${dbFile}?mode=rwc`,
        // Beside the database, so the `rm` above removes both.
        HALSOLOTS_KEY_FILE: `${dbFile}.key`,
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: path.resolve(__dirname, '../target/site'),
        HALSOLOTS_FORM_RATE_LIMIT: '0',
        RUST_LOG: 'warn',
      },
    },
    {
      command: `rm -f "${journeyDb}"* && echo 2026-11-23T08:00:00Z > "${journeyDb}.clock" && "${bin}" serve`,
      url: `http://127.0.0.1:${journeyPort}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        DATABASE_URL: `sqlite://${journeyDb}?mode=rwc`,
        // Beside the database, so the `rm` above removes both.
        HALSOLOTS_KEY_FILE: `${journeyDb}.key`,
        LEPTOS_SITE_ADDR: `127.0.0.1:${journeyPort}`,
        LEPTOS_SITE_ROOT: path.resolve(__dirname, '../target/site'),
        HALSOLOTS_FORM_RATE_LIMIT: '0',
        RUST_LOG: 'warn',
        HALSOLOTS_CLOCK_FILE: `${journeyDb}.clock`,
      },
    },
  ],
});
