/**
 * The whole journey of a new user, in order: sign-up and onboarding with an mbox upload,
 * Waiting, acting on Today (a done reply ends its wait), Contacts filters and export, a
 * contact with its charts and the draft coach, Reports, Settings, themes and the phone
 * layout, sign-out and sign-in, and loading the demo. Every page is checked with axe-core, photographed into screenshots/, and
 * must not call an API route that does not exist.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, OWNER, openApp, rapport, rememberSession, sampleMbox, screenshot, signIn, watchApiFailures } from './helpers';

test.describe.configure({ mode: 'serial' });

let apiFailures: string[] = [];
test.beforeEach(({ page }) => {
  apiFailures = watchApiFailures(page);
});
test.afterEach(() => {
  expect(apiFailures, 'API calls answered 404 or 5xx').toEqual([]);
});

test('a visitor without a session is sent to sign in', async ({ page }) => {
  await page.goto('/today');
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'sign in');
  await screenshot(page, 'signin');
});

test('onboarding creates the workspace and imports an mbox with a progress bar', async ({ page }) => {
  await page.goto('/signin');
  await page.getByRole('link', { name: 'Create your workspace' }).click();
  await expect(page.getByRole('heading', { name: 'Create your workspace' })).toBeVisible();
  await expectAccessible(page, 'onboarding');
  await screenshot(page, 'onboarding-workspace');

  // The form is validated with the API's schema before anything is sent.
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByText('not a valid email address')).toBeVisible();

  await page.getByLabel('Your name').fill(OWNER.name);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByLabel('Workspace name').fill(OWNER.workspace);
  await page.getByLabel('Your own addresses and domains').fill(`${OWNER.email}`);
  await page.getByLabel('Time zone').selectOption('Europe/Paris');
  await page.getByLabel('Sat').check();
  await page.getByLabel('End').fill('18:00');
  await page.getByRole('button', { name: 'Create workspace' }).click();

  await expect(page.getByRole('heading', { name: 'Bring your relationships in' })).toBeVisible();
  await page.getByLabel(/Mailbox or contacts file/).setInputFiles({ name: 'sample.mbox', mimeType: 'application/mbox', buffer: Buffer.from(sampleMbox()) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Import complete' })).toContainText('7 imported');
  await expectAccessible(page, 'onboarding import');
  await screenshot(page, 'onboarding-import');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('link', { name: 'Go to Today' }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
  await rememberSession(page);
});

test('Waiting on you lists open waits oldest first and highlights nudges', async ({ page }) => {
  await openApp(page);
  await page.getByRole('link', { name: 'Waiting on you' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Ada Lovelace' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('nudged 1×');
  await expectAccessible(page, 'waiting');
  await screenshot(page, 'waiting');
});

test('Today: act on suggestions with the mouse and the keyboard', async ({ page }) => {
  await openApp(page);
  const cards = page.locator('article.suggestion');
  await expect(cards.first()).toBeVisible();
  await expect(page.getByText(/Ada Lovelace/).first()).toBeVisible();
  await expectAccessible(page, 'today');
  await screenshot(page, 'today');
  const before = await cards.count();

  const first = cards.first();
  const who = await first.getByRole('heading').innerText();
  await first.getByRole('button', { name: /^Done/ }).click();
  await expect(page.getByRole('status').filter({ hasText: `Done: ${who}` })).toBeAttached();
  await expect(cards).toHaveCount(before - 1);

  // Two waits (Ada, Carol) make at least two suggestions. j moves to the next card, k back;
  // s snoozes the selected one.
  expect(before).toBeGreaterThanOrEqual(2);
  await page.locator('main h1').click();
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await expect(cards.first()).toBeFocused();
  const snoozed = await cards.first().getByRole('heading').innerText();
  await page.keyboard.press('s');
  await expect(page.getByRole('status').filter({ hasText: `Snoozed until tomorrow: ${snoozed}` })).toBeAttached();
  await expect(cards).toHaveCount(before - 2);

  // Done and snoozed suggestions stay gone after a reload: the server recorded them.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
  await expect(cards).toHaveCount(before - 2);
});

test('a reply marked done in Today ends its wait: Waiting lists only the wait still open', async ({ page }) => {
  // Ada's nudged wait ranked first in Today and was marked done there: her reply is in the thread.
  await openApp(page);
  await page.getByRole('link', { name: 'Waiting on you' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Carol Danvers' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Ada Lovelace' })).toHaveCount(0);
});

test('Contacts: search, filter and sort', async ({ page }) => {
  await openApp(page);
  await page.getByRole('link', { name: 'Contacts' }).click();
  const count = page.getByTestId('contact-count');
  await expect(count).toHaveText('3 contacts');
  await expectAccessible(page, 'contacts');
  await screenshot(page, 'contacts');

  await page.getByLabel('Search').fill('builder');
  await expect(count).toHaveText('1 of 3 contacts');
  await expect(page.getByRole('row').filter({ hasText: 'Bob Builder' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Ada Lovelace' })).toHaveCount(0);
  await page.getByLabel('Search').fill('');

  await page.getByLabel('Stage').selectOption('lost');
  await expect(count).toHaveText('0 of 3 contacts');
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(count).toHaveText('3 contacts');

  await page.getByLabel('Sort by').selectOption('name');
  const names = page.locator('.vrow a');
  await expect(names.first()).toHaveText('Ada Lovelace');
  await page.getByRole('button', { name: 'Name' }).click();
  await expect(names.first()).toHaveText('Carol Danvers');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('contacts.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe('name,email,emails,phones,company,tags,notes,kind,client_since,birthday');
  for (const email of ['ada@client.test', 'bob@builder.test', 'carol@flight.test']) expect(csv).toContain(email);
});

test('a contact page shows health factors, the health trend and attention charts, the coach and the timeline', async ({ page }) => {
  // Yesterday's daily scores, as the nightly rescore keeps them: the trend needs two days.
  rapport('--workspace', 'acme-studio', '--now', new Date(Date.now() - 86_400_000).toISOString(), 'rescore');
  await openApp(page);
  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace', level: 1 })).toBeVisible();
  await expect(page.getByRole('meter', { name: 'responsiveness factor' })).toBeVisible();
  await expect(page.locator('.factor-expl').first()).not.toBeEmpty();
  const chart = page.getByRole('img', { name: /Touches per month/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator('canvas')).toBeVisible();
  const trend = page.getByRole('img', { name: /Health score trend/ });
  await expect(trend.locator('canvas')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  await expect(page.getByText('Question about the invoice').first()).toBeVisible();

  await page.getByLabel('Fact', { exact: true }).fill('Loves chess');
  await page.getByRole('button', { name: 'Add fact' }).click();
  await expect(page.getByText('Loves chess')).toBeVisible();

  // The coach reads the reply as it is written: Ada asked about the invoice and waited.
  await page.getByLabel('Your reply').fill('How was the board meeting? I hope it went well.');
  await expect(page.getByText('✓ interest')).toBeVisible();
  await expect(page.getByText(/acknowledge the wait|Answer their question/).first()).toBeVisible();
  await expectAccessible(page, 'contact');
  await screenshot(page, 'contact');
});

test('Reports render', async ({ page }) => {
  await openApp(page);
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { name: 'Relationships today' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: /^(Thriving|Steady|Cooling|At risk): \d+/ }).first()).toBeVisible();
  // Bob was answered within three hours: a week of replies on the chart.
  await expect(page.getByRole('img', { name: /Median reply time per week\. Week of .*: 1 reply,/ }).locator('canvas')).toBeVisible();
  await expect(page.getByRole('img', { name: /Attention ratio distribution/ }).locator('canvas')).toBeVisible();
  await expect(page.getByRole('img', { name: /Contacts by status per day\. 2 days/ }).locator('canvas')).toBeVisible();
  await expectAccessible(page, 'reports');
  await screenshot(page, 'reports');
});

test('Settings changes are saved and survive a reload', async ({ page }) => {
  await openApp(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Paris');
  await page.getByLabel('Competitors').fill('Babbage Corp, Difference Inc');
  await page.getByLabel('Default target (hours)').fill('4');
  await page.getByLabel('Care').fill('0.3');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.getByLabel('Token name').fill('CI');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).not.toBeEmpty();
  await expectAccessible(page, 'settings');
  await screenshot(page, 'settings');

  await page.reload();
  await expect(page.getByLabel('Competitors')).toHaveValue('Babbage Corp, Difference Inc');
  await expect(page.getByLabel('Default target (hours)')).toHaveValue('4');
  await expect(page.getByLabel('Care')).toHaveValue('0.3');
  await expect(page.getByRole('button', { name: 'Revoke token CI' })).toBeVisible();
});

test('the theme toggle switches to dark and the choice persists', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  for (const path of ['/today', '/contacts', '/settings']) {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    await expectAccessible(page, `${path} (dark)`);
  }
  await screenshot(page, 'settings-dark');
});

test('on a 375 px phone every page fits and the menu opens', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await openApp(page);
  for (const [path, name] of [['/today', 'today'], ['/waiting', 'waiting'], ['/contacts', 'contacts'], ['/reports', 'reports'], ['/settings', 'settings']] as const) {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    await expectNoHorizontalScroll(page);
    await screenshot(page, `phone-${name}`);
  }
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByRole('heading', { name: 'Contacts', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
});

test('signing out ends the session; signing in brings the user back', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto('/contacts');
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill('wrong password!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await signIn(page);
});

test('onboarding can load the demo instead, and the app shows it', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await page.goto('/onboarding');
  await expect(page.getByRole('heading', { name: 'Bring your relationships in' })).toBeVisible();
  await page.getByRole('button', { name: 'Load the demo instead' }).click();
  await expect(page.getByRole('heading', { name: 'You are all set' })).toBeVisible({ timeout: 90_000 });
  await page.getByRole('link', { name: 'Go to Today' }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
  await expect(page.locator('.workspace-name')).toHaveText('Demo');
  await expect(page.locator('article.suggestion').first()).toBeVisible();
  await expectAccessible(page, 'today (demo)');
  await screenshot(page, 'today-demo');
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByTestId('contact-count')).toHaveText('200 contacts');
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('img', { name: /Median reply time per week/ }).locator('canvas')).toBeVisible();
  await expectAccessible(page, 'reports (demo)');
  await screenshot(page, 'reports-demo');
});
