/**
 * A day with Rapport on the 300-contact demo: Today is a short plan of several kinds, worked
 * through with done, snooze (with undo) and dismiss, focus moving on; the plan survives a
 * reload unshuffled; the page fits a phone, passes axe and logs nothing to the console.
 * Independent of app.spec.ts: its own demo workspace and owner, made with the CLI.
 */
import { expect, type Page, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, rapport, screenshot, watchApiFailures } from './helpers';

const DAY_USER = { email: 'dana@day.test', password: 'a day with rapport' };

test.describe.configure({ mode: 'serial' });

let apiFailures: string[] = [];
let consoleMessages: string[] = [];
test.beforeEach(({ page }) => {
  apiFailures = watchApiFailures(page);
  consoleMessages = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleMessages.push(`${m.type()}: ${m.text()}`);
  });
});
test.afterEach(() => {
  expect(apiFailures, 'API calls answered 404 or 5xx').toEqual([]);
  expect(consoleMessages, 'console errors and warnings').toEqual([]);
});

test.beforeAll(() => {
  test.setTimeout(120_000);
  rapport('demo', '--contacts', '300', '--slug', 'day-demo');
  process.env.RAPPORT_E2E_DAY_PASSWORD = DAY_USER.password;
  rapport('--workspace', 'day-demo', 'user', 'create', DAY_USER.email, '--name', 'Dana Day', '--role', 'owner', '--password-env', 'RAPPORT_E2E_DAY_PASSWORD');
});

async function signInAsDana(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(DAY_USER.email);
  await page.getByLabel('Password').fill(DAY_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
}

const cards = (page: Page) => page.locator('article.suggestion');
const names = (page: Page) => cards(page).getByRole('heading', { level: 3 }).allInnerTexts();

test('Today on the demo is a short plan of several kinds, each saying why', async ({ page }) => {
  await signInAsDana(page);
  await expect(cards(page).first()).toBeVisible();
  const count = await cards(page).count();
  expect(count).toBeGreaterThan(5);
  expect(count).toBeLessThanOrEqual(10);
  const kinds = new Set(await cards(page).locator('.chips .chip[class*="kind-"]').allInnerTexts());
  expect(kinds.size, `kinds in the plan: ${[...kinds].join(', ')}`).toBeGreaterThanOrEqual(4);
  await expect(cards(page).first().locator('.why')).toContainText('today');
  await expect(page.getByRole('button', { name: /^Show all \d+$/ })).toBeVisible();
  await expectAccessible(page, 'today plan (demo)');
  await screenshot(page, 'today-plan');
});

test('working through the plan: done, snooze with undo, dismiss, undo of done; focus moves on; the plan does not reshuffle', async ({ page }) => {
  await signInAsDana(page);
  await expect(cards(page).first()).toBeVisible();
  const start = await names(page);
  const toast = page.locator('.toast');

  // Done: confirmed, with Undo, and the next card has the focus.
  await cards(page).first().getByRole('button', { name: /^Done/ }).click();
  await expect(toast).toContainText(`Done: ${start[0]}`);
  await expect(cards(page)).toHaveCount(start.length - 1);
  await expect(cards(page).first()).toBeFocused();
  await expect(cards(page).first().getByRole('heading', { level: 3 })).toHaveText(start[1]!);

  // Snooze offers tomorrow, next week and a date; a date in the past is refused in words.
  const second = cards(page).first();
  await second.getByRole('button', { name: /^Snooze/ }).click();
  await expect(second.getByRole('button', { name: 'Tomorrow' })).toBeVisible();
  await second.getByLabel('Snooze until date').fill('2020-01-01');
  await second.getByRole('button', { name: 'Snooze to date' }).click();
  await expect(second.getByText('Pick a day after today.')).toBeVisible();
  await second.getByRole('button', { name: 'Next week' }).click();
  await expect(toast).toContainText(`Snoozed until next week: ${start[1]}`);
  await expect(cards(page)).toHaveCount(start.length - 2);
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(toast).toContainText(`Back in today's plan: ${start[1]}`);
  await expect(cards(page)).toHaveCount(start.length - 1);
  expect(await names(page)).toEqual(start.slice(1));

  // Dismiss the last one; then take back the first done (its logged interaction goes too).
  await cards(page).last().getByRole('button', { name: /^Dismiss/ }).click();
  await expect(toast).toContainText(`Dismissed: ${start.at(-1)}`);
  await expect(cards(page)).toHaveCount(start.length - 2);
  await cards(page).first().getByRole('button', { name: /^Done/ }).click();
  await expect(toast).toContainText(`Done: ${start[1]}`);
  await page.keyboard.press('u');
  await expect(toast).toContainText(`Back in today's plan: ${start[1]}`);
  await expect(cards(page)).toHaveCount(start.length - 2);

  // A reload shows the same plan in the same order, without what was done or dismissed.
  await page.reload();
  await expect(cards(page).first()).toBeVisible();
  expect(await names(page)).toEqual(start.slice(1, -1));

  // Everything else is one click away.
  await page.getByRole('button', { name: /^Show all \d+$/ }).click();
  await expect(page.getByTestId('plan-summary')).toContainText('open suggestions, most important first');
  expect(await cards(page).count()).toBeGreaterThan(start.length);
  await page.getByRole('button', { name: "Back to today's plan" }).click();
  await expect(cards(page)).toHaveCount(start.length - 2);
});

test('Today fits a 375 px phone and passes axe with the snooze choices open', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signInAsDana(page);
  await cards(page).first().getByRole('button', { name: /^Snooze/ }).click();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'today on a phone');
  await screenshot(page, 'phone-today-plan');
});

test('Contacts: add a contact, an empty search says so, Enter on a focused row opens the contact', async ({ page }) => {
  await signInAsDana(page);
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByTestId('contact-count')).toHaveText(/^\d+ contacts$/);
  await expect(page).toHaveTitle('Contacts · Rapport');

  await page.getByLabel('Search').fill('zzzz-nobody');
  await expect(page.getByText('No contact matches "zzzz-nobody".')).toBeVisible();
  await page.getByRole('button', { name: 'Show every contact' }).click();

  await page.getByRole('button', { name: 'Add contact' }).click();
  const add = page.getByRole('form', { name: 'Add a contact' });
  await add.getByLabel('Email').fill('not an address');
  await add.getByLabel('Keep in touch every (days)').fill('two weeks');
  await add.getByRole('button', { name: 'Add contact' }).click();
  await expect(add.getByText('Enter an email address like ada@example.com.')).toBeVisible();
  await expect(add.getByText('Enter a whole number of days from 1 to 3650, or leave it empty.')).toBeVisible();
  await add.getByLabel('Email').fill('grace@hopper.test');
  await add.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await add.getByLabel('Tags (comma-separated)').fill('navy, compilers');
  await add.getByLabel('Keep in touch every (days)').fill('14');
  await add.getByRole('button', { name: 'Add contact' }).click();
  await expect(page.getByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeVisible();
  await expect(page.getByText('every 14 days')).toBeVisible();

  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByLabel('Search').fill('grace@hopper');
  const row = page.getByRole('row').filter({ hasText: 'Grace Hopper' });
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeVisible();
  await expectAccessible(page, 'contact (new)');
});

test('Contact: log a call with behaviours, add and keep a commitment, edit the profile; fits a phone', async ({ page }) => {
  await signInAsDana(page);
  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByLabel('Search').fill('grace@hopper');
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await expect(page.getByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeVisible();

  const log = page.getByRole('form', { name: 'Log an interaction' });
  await log.getByLabel('What').selectOption('call');
  await log.getByLabel('Notes').fill('Asked how the new compiler is going; congratulated her on the award.');
  await log.getByLabel('interest').check();
  await log.getByLabel('compliment').check();
  await log.getByRole('button', { name: 'Log call' }).click();
  await expect(log.getByRole('status')).toHaveText('Logged call (compliment, interest).');
  await expect(page.getByRole('region', { name: 'Timeline' }).getByText(/new compiler/)).toBeVisible();

  const promises = page.getByRole('form', { name: 'Add a commitment' });
  await promises.getByRole('button', { name: 'Add commitment' }).click();
  await expect(promises.getByText('Say what you promised.')).toBeVisible();
  await promises.getByLabel('Promise').fill('Send the COBOL notes');
  const due = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await promises.getByLabel('Due').fill(due);
  await promises.getByRole('button', { name: 'Add commitment' }).click();
  await expect(page.getByRole('button', { name: 'Mark kept: Send the COBOL notes' })).toBeVisible();
  await page.getByRole('button', { name: 'Mark kept: Send the COBOL notes' }).click();
  await expect(promises.getByRole('status')).toHaveText('Kept: Send the COBOL notes, in time.');
  await expect(page.getByRole('button', { name: 'Mark kept: Send the COBOL notes' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Edit contact' }).click();
  await page.getByRole('form', { name: 'Edit contact' }).getByLabel('Company').fill('US Navy');
  await page.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.getByRole('region', { name: 'Profile' }).getByText('US Navy')).toBeVisible();
  await expectAccessible(page, 'contact with forms');

  // A phone opens the page at its width (charts are drawn for the width they load at).
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  await expect(page.getByRole('form', { name: 'Log an interaction' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'phone-contact-forms');
});

test('Waiting on you shows business time in business days and hours, and fits a phone', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signInAsDana(page);
  await page.goto('/waiting');
  await expect(page.getByRole('columnheader', { name: 'Business time (days of 8 h)' })).toBeVisible();
  await expect(page).toHaveTitle('Waiting on you · Rapport');
  // The demo's oldest waits are weeks of business days: "23 d 5 h", not wall-clock days.
  await expect(page.getByRole('row').nth(1).getByRole('cell').nth(3)).toHaveText(/^\d+ d( \d+ h)?$/);
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'waiting (demo)');
});

test('switching workspaces shows the other workspace and comes back', async ({ page }) => {
  rapport('demo', '--contacts', '20', '--slug', 'day-second');
  rapport('--workspace', 'day-second', 'user', 'create', DAY_USER.email, '--role', 'member', '--password-env', 'RAPPORT_E2E_DAY_PASSWORD');
  await signInAsDana(page);
  const switcher = page.getByLabel('Workspace', { exact: true });
  await expect(switcher).toHaveValue('day-demo');
  await switcher.selectOption('day-second');
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByTestId('contact-count')).toHaveText('20 contacts');
  await page.getByLabel('Workspace', { exact: true }).selectOption('day-demo');
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByTestId('contact-count')).toHaveText('301 contacts');
  await expectAccessible(page, 'workspace switcher');
});
