/** Shared steps of the browser tests: a small mbox, the CLI on the server's data, accessibility checks, screenshots. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, expect, type Page } from '@playwright/test';

export const OWNER = { name: 'Olivia Owner', email: 'olivia@acme.test', password: 'correct horse battery', workspace: 'Acme Studio' };
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

function rfc2822(d: Date) {
  return d.toUTCString().replace('GMT', '+0000');
}

/**
 * Three customers over the last weeks: Ada asked a question that is still unanswered (and
 * wrote again: a nudge), Carol's question waits too, Bob's thread was answered. Dates are relative to now so that the waits are
 * open and recent whenever the test runs.
 */
export function sampleMbox(now = Date.now()): string {
  const h = 3_600_000;
  const msgs = [
    { id: 'a1', from: 'Ada Lovelace <ada@client.test>', to: OWNER.email, at: now - 20 * 24 * h, subject: 'Project kickoff', body: 'Hello, we would love to start the analytical engine project. What do you need from us?' },
    { id: 'a2', from: `Olivia Owner <${OWNER.email}>`, to: 'ada@client.test', at: now - 20 * 24 * h + 2 * h, subject: 'Re: Project kickoff', body: 'Great to hear from you! How is the team doing? I will send a plan tomorrow.', reply: 'a1' },
    { id: 'a3', from: 'Ada Lovelace <ada@client.test>', to: OWNER.email, at: now - 30 * h, subject: 'Question about the invoice', body: 'Could you explain the second line of the invoice? We compared it with Babbage Corp.' },
    { id: 'a4', from: 'Ada Lovelace <ada@client.test>', to: OWNER.email, at: now - 6 * h, subject: 'Re: Question about the invoice', body: 'Any news on this? We need it for the board meeting.', reply: 'a3' },
    { id: 'c1', from: 'Carol Danvers <carol@flight.test>', to: OWNER.email, at: now - 3 * 24 * h, subject: 'Training schedule', body: 'Could we move the training to Thursday? Let me know what works for you.' },
    { id: 'b1', from: 'Bob Builder <bob@builder.test>', to: OWNER.email, at: now - 10 * 24 * h, subject: 'Quote for the shed', body: 'Can you send the quote for the shed renovation?' },
    { id: 'b2', from: `Olivia Owner <${OWNER.email}>`, to: 'bob@builder.test', at: now - 10 * 24 * h + 3 * h, subject: 'Re: Quote for the shed', body: 'Here it is, did you know we can also paint it? Your garden looks amazing.', reply: 'b1' },
  ];
  return msgs
    .map((m) =>
      [
        `From ${m.from.replace(/.*<|>.*/g, '')} ${new Date(m.at).toUTCString()}`,
        `From: ${m.from}`,
        `To: ${m.to}`,
        `Subject: ${m.subject}`,
        `Date: ${rfc2822(new Date(m.at))}`,
        `Message-ID: <${m.id}@e2e.test>`,
        ...(m.reply ? [`In-Reply-To: <${m.reply}@e2e.test>`, `References: <${m.reply}@e2e.test>`] : []),
        'Content-Type: text/plain; charset=utf-8',
        '',
        m.body,
        '',
      ].join('\n'),
    )
    .join('\n');
}

/**
 * Runs `rapport` on the data folder the test server serves (SQLite in WAL mode lets both
 * work on it), e.g. to keep yesterday's daily scores as a day of history.
 */
export function rapport(...args: string[]): string {
  const root = join(import.meta.dirname, '..', '..');
  return execFileSync(process.execPath, [join(root, 'bin', 'rapport.js'), '--data', process.env.RAPPORT_E2E_DATA as string, ...args], { cwd: root, encoding: 'utf8' });
}

/** Collects the API calls of a page that found no route or failed on the server: a page must make none. */
export function watchApiFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.startsWith('/api/') && (res.status() === 404 || res.status() >= 500)) failures.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return failures;
}

/** axe-core on the current page: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string) {
  // A frame sandboxed to run no script (a mail preview) cannot host axe: injecting would hang.
  const results = await new AxeBuilder({ page }).exclude('iframe[sandbox=""]').analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(summary, `accessibility of ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * The server allows 10 sign-ins a minute per address, so the tests sign in once (after
 * onboarding) and later tests reuse that session's cookies.
 */
let cookies: Awaited<ReturnType<BrowserContext['cookies']>> = [];
export async function rememberSession(page: Page) {
  cookies = await page.context().cookies();
}

export async function openApp(page: Page, path = '/today') {
  if (cookies.length === 0) return signIn(page);
  await page.context().addCookies(cookies);
  await page.goto(path);
  await expect(page.locator('main h1')).toBeVisible();
}

export async function signIn(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
  await rememberSession(page);
}

/**
 * No element sticks out sideways: the page works at this width without horizontal scrolling.
 * Checked once the layout has settled (a part still loading may be wider for a moment); a
 * failure names the elements that stick out.
 */
export async function expectNoHorizontalScroll(page: Page) {
  const wide = () =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth - width <= 1) return [];
      return [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 1)
        .slice(-5)
        .map((e) => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') ?? ''}"> ends at ${Math.round(e.getBoundingClientRect().right)} px of ${width}: ${(e.textContent ?? '').slice(0, 80)}`);
    });
  await expect.poll(wide, { message: 'elements wider than the page', timeout: 3000 }).toEqual([]);
}
