/**
 * The rest of a day on the demo: a reply logged as sent ends its wait, facts are added,
 * edited and deleted, every column of Contacts sorts (by keyboard too), an invitation is
 * accepted in a second browser, the settings form says what is wrong beside the field, and
 * charts follow the window down to a phone. Every page fits 375 px, passes axe and logs
 * nothing to the console. Its own demo workspace and owner, made with the CLI.
 */
import { type Browser, expect, type Page, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, rapport, watchApiFailures } from './helpers';

const WALKER = { email: 'walker@walk.test', password: 'walking through a day' };

// A shared two-core machine: axe and a demo of 120 contacts take their time.
test.describe.configure({ mode: 'serial', timeout: 180_000 });

let apiFailures: string[] = [];
let consoleMessages: string[] = [];
/** API failures of a page, and its console errors and warnings into consoleMessages. */
function watch(page: Page) {
  const failures = watchApiFailures(page);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleMessages.push(`${m.type()}: ${m.text()}`);
  });
  return failures;
}
test.beforeEach(({ page }) => {
  consoleMessages = [];
  apiFailures = watch(page);
});
test.afterEach(() => {
  expect(apiFailures, 'API calls answered 404 or 5xx').toEqual([]);
  expect(consoleMessages, 'console errors and warnings').toEqual([]);
});

test.beforeAll(() => {
  test.setTimeout(120_000);
  rapport('demo', '--contacts', '120', '--slug', 'walk-demo');
  process.env.RAPPORT_E2E_WALK_PASSWORD = WALKER.password;
  rapport('--workspace', 'walk-demo', 'user', 'create', WALKER.email, '--name', 'Wally Walker', '--role', 'owner', '--password-env', 'RAPPORT_E2E_WALK_PASSWORD');
});

async function signIn(page: Page, who = WALKER) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
}

test('Waiting: each row shows its health without a request per row; a reply logged as sent ends the wait; the page fits a phone', async ({ page }) => {
  await signIn(page);
  const healthRequests: string[] = [];
  page.on('request', (r) => {
    if (/\/api\/v1\/contacts\/[^/]+\/health/.test(r.url())) healthRequests.push(r.url());
  });
  await page.goto('/waiting');
  const rows = page.getByTestId('wait-scroll').getByRole('row');
  await expect(rows.first()).toBeVisible();
  // The demo is scored: every drawn row names its contact's status, from the waits' own answer.
  const drawn = await rows.count();
  await expect(rows.getByText(/^(Thriving|Steady|Cooling|At risk)/)).toHaveCount(drawn);
  expect(healthRequests).toEqual([]);
  const count = page.getByText(/^\d+ open waits?, oldest first$/);
  const before = Number((await count.innerText()).split(' ')[0]);
  const first = rows.first();
  const who = await first.getByRole('link').innerText();
  const thread = await first.getAttribute('data-thread');
  await first.getByRole('button', { name: `Reply to ${who}` }).click();
  await expectAccessible(page, 'waiting with the reply open');
  await page.getByRole('button', { name: `Log a reply to ${who} as sent` }).click();
  await expect(count).toHaveText(`${before - 1} open wait${before - 1 === 1 ? '' : 's'}, oldest first`);
  await expect(page.locator(`[data-thread="${thread}"]`)).toHaveCount(0);

  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  await expect(rows.first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'waiting at 375 px');
});

test('Contact: add, edit and delete a fact', async ({ page }) => {
  await signIn(page);
  await page.goto('/contacts');
  await page.getByTestId('contact-scroll').getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const facts = page.getByRole('region', { name: 'Facts' });
  const add = facts.getByRole('form', { name: 'Add a fact' });
  await add.getByLabel('Kind').selectOption('important_date');
  await add.getByLabel('Fact').fill('Anniversary of the first order');
  await add.getByRole('button', { name: 'Add fact' }).click();
  // The server's rule, in plain words beside the field, before anything is sent.
  await expect(add.getByText('An important date needs a date.')).toBeVisible();
  await add.getByLabel('Kind').selectOption('interest');
  await add.getByLabel('Fact').fill('Trail running');
  await add.getByRole('button', { name: 'Add fact' }).click();
  await expect(add.getByRole('status')).toHaveText('Fact added.');
  await expect(facts.getByRole('list', { name: 'Known facts' }).getByText('Trail running')).toBeVisible();

  await facts.getByRole('button', { name: 'Edit fact: Trail running' }).click();
  const edit = facts.getByRole('form', { name: 'Edit the fact: Trail running' });
  await edit.getByLabel('Fact').fill('Ultra trail running');
  await expectAccessible(page, 'contact with a fact being edited');
  await edit.getByRole('button', { name: 'Save fact' }).click();
  await expect(add.getByRole('status')).toHaveText('Fact saved.');
  await expect(facts.getByText('Ultra trail running')).toBeVisible();
  await page.reload();
  await expect(facts.getByText('Ultra trail running')).toBeVisible();

  await facts.getByRole('button', { name: 'Delete fact: Ultra trail running' }).click();
  await expect(add.getByRole('status')).toHaveText('Fact deleted: Ultra trail running.');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(facts.getByText('Ultra trail running')).toHaveCount(0);
});

test('Contacts: every column sorts, from the keyboard too, and says how (aria-sort)', async ({ page }) => {
  await signIn(page);
  await page.goto('/contacts');
  await expect(page.getByTestId('contact-count')).toHaveText('120 contacts');
  for (const name of ['Name', 'Company', 'Health', 'Stage', 'Last touch', 'Tags']) {
    const header = page.getByRole('columnheader', { name });
    await header.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    await page.keyboard.press('Enter');
    await expect(header).toHaveAttribute('aria-sort', 'descending');
  }
  // Company ascending: the first rows' companies are in order, the ones without one last.
  await page.getByRole('columnheader', { name: 'Company' }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: 'Company' })).toHaveAttribute('aria-sort', 'ascending');
  const companies = (await page.getByTestId('contact-scroll').getByRole('row').evaluateAll((rows) => rows.map((r) => r.querySelectorAll('[role="cell"]')[1]?.textContent ?? ''))).map((c) => c.split(' · ')[0]!.toLowerCase());
  const named = companies.filter((c) => c !== '—');
  expect(named.length).toBeGreaterThan(3);
  expect(named).toEqual([...named].sort());
  await expectAccessible(page, 'contacts sorted by company');
});

async function acceptInSecondBrowser(browser: Browser, link: string) {
  const context = await browser.newContext();
  const guest = await context.newPage();
  const failures = watch(guest);
  await guest.goto(link);
  await expect(guest).toHaveTitle('Accept the invitation · Rapport');
  await guest.getByLabel('Your name (optional)').fill('Ivy Invitee');
  await guest.getByLabel('Password', { exact: true }).fill('short');
  await guest.getByLabel('Password again').fill('short');
  await guest.getByRole('button', { name: 'Join the workspace' }).click();
  await expect(guest.getByText('Use at least 10 characters.')).toBeVisible();
  await expectAccessible(guest, 'invitation page with an error');
  await guest.getByLabel('Password', { exact: true }).fill('a password of my own');
  await guest.getByLabel('Password again').fill('a password of my own');
  await guest.getByRole('button', { name: 'Join the workspace' }).click();
  await expect(guest.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
  const session = (await (await guest.request.get('/api/v1/auth/session')).json()) as { workspace: { slug: string }; role: string; user: { email: string } };
  expect(session).toMatchObject({ workspace: { slug: 'walk-demo' }, role: 'member', user: { email: 'ivy@walk.test' } });
  await guest.setViewportSize({ width: 375, height: 740 });
  await expectNoHorizontalScroll(guest);
  await context.close();
  return failures;
}

test('an invitation link is accepted in a second browser, which lands signed in to the workspace', async ({ page, browser }) => {
  await signIn(page);
  await page.goto('/settings');
  const invite = page.getByRole('form', { name: 'Invite a member' });
  await invite.getByLabel('Invite by email').fill('ivy@walk.test');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  const link = await invite.locator('a.invite-link').innerText();
  expect(link).toMatch(/\/invite\/\S+$/);
  const failures = await acceptInSecondBrowser(browser, link);
  expect(failures).toEqual([]);
  await page.reload();
  await expect(page.getByRole('cell', { name: /Ivy Invitee/ })).toBeVisible();
});

test('Settings: weights that are all 0 are refused beside the fields; the page fits a phone', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings');
  for (const name of ['Responsiveness', 'Attention', 'Care', 'Engagement', 'Reciprocity']) await page.getByLabel(name, { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Weights must add up to more than 0.')).toBeVisible();
  await expect(page.getByLabel('Care', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'settings with an error');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expectNoHorizontalScroll(page);
});

test('charts follow the window down to a phone, label their axes and read without hover', async ({ page }) => {
  await signIn(page);
  await page.goto('/reports');
  const charts = page.locator('.chart canvas');
  await expect(charts.first()).toBeVisible();
  await expect(page.getByText(/^Week of .*: \d+ repl/)).toBeVisible();
  await page.setViewportSize({ width: 375, height: 740 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
  await expectAccessible(page, 'reports at 375 px');
  for (const path of ['/today', '/waiting', '/contacts', '/settings']) {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    await expectNoHorizontalScroll(page);
  }
});
