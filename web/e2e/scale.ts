/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The 10,000-contact workspace, used by contacts-scale.spec.ts (asserts) and
 * bench/web.bench.ts (reports): a demo data folder made with `rapport demo`, an owner made
 * with `rapport user create`, a `rapport serve` on a free port, and the two measurements of
 * issue 7 taken inside the browser: filter latency and scrolling without dropped rows.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'rapport.js');
export const SCALE_USER = { email: 'scale@demo.test', password: 'ten thousand friends' };

export interface ScaleServer {
  url: string;
  contacts: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startScaleServer(contacts = 10_000): Promise<ScaleServer> {
  const data = mkdtempSync(join(tmpdir(), 'rapport-scale-'));
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => execFileSync(process.execPath, [BIN, '--data', data, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
  run(['demo', '--contacts', String(contacts), '--json']);
  run(['--workspace', 'demo', 'user', 'create', SCALE_USER.email, '--role', 'owner', '--password-env', 'RAPPORT_SCALE_PASSWORD'], { RAPPORT_SCALE_PASSWORD: SCALE_USER.password });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [BIN, '--data', data, 'serve', '--host', '127.0.0.1', '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 300 || child.exitCode !== null) throw new Error(`rapport serve did not start on ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    contacts,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in, waits for Today's suggestions (the first Today of a new workspace runs the engine
 * over every contact, and the Contacts page must not be timed while the server does that),
 * then opens Contacts and resolves once every contact is loaded. Returns both times in ms.
 */
export async function openContacts(page: Page, url: string, contacts: number): Promise<{ todayMs: number; firstRowsMs: number; contactsMs: number }> {
  await page.goto(`${url}/signin`);
  await page.getByLabel('Email').fill(SCALE_USER.email);
  await page.getByLabel('Password').fill(SCALE_USER.password);
  const signedIn = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('article.suggestion').first().waitFor({ timeout: 120_000 });
  const todayMs = Date.now() - signedIn;
  const started = Date.now();
  await page.goto(`${url}/contacts`);
  await page.getByTestId('contact-scroll').getByRole('row').first().waitFor({ timeout: 120_000 });
  const firstRowsMs = Date.now() - started;
  await page.getByTestId('contact-count').filter({ hasText: `${contacts} contacts` }).waitFor({ timeout: 120_000 });
  await page.getByTestId('contacts-loading').waitFor({ state: 'detached', timeout: 120_000 });
  return { todayMs, firstRowsMs, contactsMs: Date.now() - started };
}

/** From navigating to Waiting on you until its first rows are drawn, in ms (signed in already). */
export async function openWaiting(page: Page, url: string): Promise<number> {
  const started = Date.now();
  await page.goto(`${url}/waiting`);
  await page.getByTestId('wait-scroll').getByRole('row').first().waitFor({ timeout: 120_000 });
  return Date.now() - started;
}

/**
 * From navigating to Reports until its first chart is drawn, and until every card is done
 * (none still loading its part) with every chart's canvas drawn, in ms (signed in already).
 */
export async function openReports(page: Page, url: string): Promise<{ firstChartMs: number; reportsMs: number }> {
  const started = Date.now();
  await page.goto(`${url}/reports`);
  await page.locator('.chart canvas').first().waitFor({ timeout: 120_000 });
  const firstChartMs = Date.now() - started;
  // Every card has its part (the status trend needs two days of scores to be a chart).
  await page.waitForFunction(() => {
    const charts = document.querySelectorAll('.chart');
    return document.querySelectorAll('.report-section').length > 0 && document.querySelectorAll('[aria-busy="true"]').length === 0 && charts.length >= 2 && document.querySelectorAll('.chart canvas').length === charts.length;
  }, undefined, { timeout: 120_000, polling: 'raf' });
  return { firstChartMs, reportsMs: Date.now() - started };
}

/**
 * Times one filter change in the page: from the input event until the page has committed the
 * new filter (the count's data-filter changes) and the next frame is painted.
 */
export async function timeFilter(page: Page, label: string, value: string): Promise<{ ms: number; count: string }> {
  return page.evaluate(
    async ({ label, value }) => {
      const control = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim().startsWith(label))?.querySelector('input, select') as HTMLInputElement | HTMLSelectElement | null;
      if (!control) throw new Error(`no filter labelled ${label}`);
      const count = document.querySelector('[data-testid="contact-count"]') as HTMLElement;
      const before = count.dataset.filter;
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(control), 'value')?.set;
      const t0 = performance.now();
      setter?.call(control, value);
      control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
      while (count.dataset.filter === before) {
        if (performance.now() - t0 > 10_000) throw new Error(`the ${label} filter was not applied within 10 s`);
        await new Promise((r) => setTimeout(r, 0));
      }
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return { ms: performance.now() - t0, count: count.textContent ?? '' };
    },
    { label, value },
  );
}

/**
 * Scrolls the virtual table from top to bottom one viewport at a time. At every step the rows
 * in the DOM must be consecutive (aria-rowindex) and cover the whole viewport; returns the
 * number of steps and the distinct rows seen, which must be every row.
 */
export async function scrollAllRows(page: Page): Promise<{ steps: number; seen: number; expected: number; gaps: string[] }> {
  return page.evaluate(async () => {
    const scroller = document.querySelector('[data-testid="contact-scroll"]') as HTMLElement;
    const table = scroller.closest('[role="table"]') as HTMLElement;
    const expected = Number(table.getAttribute('aria-rowcount')) - 1;
    const seen = new Set<number>();
    const gaps: string[] = [];
    let steps = 0;
    for (let top = 0; ; top += scroller.clientHeight) {
      scroller.scrollTop = top;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));
      const rows = [...scroller.querySelectorAll('[role="row"]')].map((r) => ({ i: Number(r.getAttribute('aria-rowindex')), rect: r.getBoundingClientRect() }));
      rows.sort((a, b) => a.i - b.i);
      for (let k = 1; k < rows.length; k++) if (rows[k]!.i !== rows[k - 1]!.i + 1) gaps.push(`step ${steps}: row ${rows[k - 1]!.i} then ${rows[k]!.i}`);
      const view = scroller.getBoundingClientRect();
      const covered = rows.filter((r) => r.rect.bottom > view.top && r.rect.top < view.bottom);
      const first = covered[0];
      const last = covered[covered.length - 1];
      const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
      if (!first || first.rect.top > view.top + 1 || (!atEnd && last!.rect.bottom < view.bottom - 1)) gaps.push(`step ${steps}: viewport not covered`);
      for (const r of rows) seen.add(r.i);
      steps += 1;
      if (atEnd) break;
    }
    return { steps, seen: seen.size, expected, gaps: gaps.slice(0, 10) };
  });
}
