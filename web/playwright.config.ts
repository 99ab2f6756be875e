/**
 * Browser tests of the web app against a real `rapport serve` with a fresh data folder,
 * driving Debian's Chromium (installed by .ci/run; never downloaded). The port and folder are
 * chosen once, in the runner process, and reach the workers through the environment.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!process.env.RAPPORT_E2E_PORT) {
  process.env.RAPPORT_E2E_PORT = String(20_000 + Math.floor(Math.random() * 20_000));
  process.env.RAPPORT_E2E_DATA = mkdtempSync(join(tmpdir(), 'rapport-e2e-'));
}
const port = process.env.RAPPORT_E2E_PORT;
const data = process.env.RAPPORT_E2E_DATA as string;
const root = join(import.meta.dirname, '..');

export default defineConfig({
  testDir: 'e2e',
  globalTeardown: './e2e/teardown.ts',
  outputDir: join(root, 'test-results'),
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: process.env.RAPPORT_E2E_SERVER ?? `node bin/rapport.js serve --host 127.0.0.1 --port ${port} --data ${data}`,
    cwd: root,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
