/**
 * What the speed work changed in the pages: Contacts sorted before every row is in shows the
 * server's order for that sort from its first page (not a sort of whichever rows came first),
 * Reports draws each card as its own part arrives, every chart with its written summary, and
 * Today and Waiting on you ask for their first rows while their code is still loading.
 * Its own demo workspace of 300 contacts (more than the first page of 200), made with the CLI.
 */
import { expect, type Page, type Route, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, rapport, watchApiFailures } from './helpers';

const RUNNER = { email: 'runner@speed.test', password: 'three hundred friends' };
const CONTACTS = 300;

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let apiFailures: string[] = [];
let consoleMessages: string[] = [];
test.beforeEach(({ page }) => {
  consoleMessages = [];
  apiFailures = watchApiFailures(page);
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleMessages.push(`${m.type()}: ${m.text()}`);
  });
});
test.afterEach(() => {
  expect(apiFailures, 'API calls answered 404 or 5xx').toEqual([]);
  expect(consoleMessages, 'console errors and warnings').toEqual([]);
});

test.beforeAll(() => {
  test.setTimeout(150_000);
  rapport('demo', '--contacts', String(CONTACTS), '--slug', 'speed-demo');
  process.env.RAPPORT_E2E_SPEED_PASSWORD = RUNNER.password;
  rapport('--workspace', 'speed-demo', 'user', 'create', RUNNER.email, '--role', 'owner', '--password-env', 'RAPPORT_E2E_SPEED_PASSWORD');
});

async function signIn(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(RUNNER.email);
  await page.getByLabel('Password').fill(RUNNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
}

/** Holds every request matching `test` until released, so a page can be seen mid-load. */
async function holdRequests(page: Page, match: (url: URL) => boolean) {
  const held: Route[] = [];
  let open = false;
  await page.route(
    (url) => match(url),
    (route) => (open ? route.continue() : void held.push(route)),
  );
  return {
    count: () => held.length,
    release: async () => {
      open = true;
      for (const route of held.splice(0)) await route.continue();
    },
  };
}

const rowNames = (page: Page) => page.getByTestId('contact-scroll').getByRole('row').getByRole('link').allInnerTexts();

test('Contacts sorted before every row is in shows the server order for that sort', async ({ page }) => {
  await signIn(page);
  // Every page after the first waits: the table holds the first 200 of 300 contacts.
  const later = await holdRequests(page, (url) => url.pathname === '/api/v1/contacts' && url.searchParams.has('cursor'));
  await page.goto('/contacts');
  const count = page.getByTestId('contact-count');
  await expect(count).toHaveText('200 contacts; loading more…');

  await page.getByRole('button', { name: 'Company' }).click();
  await expect(page.getByRole('columnheader', { name: 'Company' })).toHaveAttribute('aria-sort', 'ascending');
  const expected = (await (await page.request.get('/api/v1/contacts?sort=company&limit=8')).json()) as { name: string }[];
  await expect.poll(async () => (await rowNames(page)).slice(0, 8)).toEqual(expected.map((c) => c.name));
  await expect(count).toContainText('loading more');
  expect(later.count()).toBeGreaterThan(0);

  await later.release();
  await expect(count).toHaveText(`${CONTACTS} contacts`);
  await expect(page.getByRole('columnheader', { name: 'Company' })).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(async () => (await rowNames(page)).slice(0, 8)).toEqual(expected.map((c) => c.name));
  await expectAccessible(page, 'contacts sorted by company');
});

test('Reports draw each card as its part arrives, every chart with its written summary, at 375 px too', async ({ page }) => {
  await signIn(page);
  // The reply times come last: the other cards are drawn without waiting for them.
  const responsiveness = await holdRequests(page, (url) => url.pathname === '/api/v1/reports/responsiveness');
  await page.goto('/reports');
  await expect(page.getByRole('listitem').filter({ hasText: /^(Thriving|Steady|Cooling|At risk): \d+/ }).first()).toBeVisible();
  await expect(page.getByRole('img', { name: /Attention ratio distribution\. \d+ contacts past their honeymoon/ }).locator('canvas')).toBeVisible();
  // The status trend is a chart once two days of scores are kept, a note before.
  await expect(page.getByRole('region', { name: 'Statuses over time' })).toContainText(/\d+ days of daily scores|appears once scores have been kept for two days/);
  const pending = page.getByRole('region', { name: 'Responsiveness over time' });
  await expect(pending).toHaveAttribute('aria-busy', 'true');
  await expect(pending.getByRole('status')).toHaveText('Loading…');

  await responsiveness.release();
  await expect(page.getByRole('img', { name: /Median reply time per week\. Week of .*: \d+ repl/ }).locator('canvas')).toBeVisible();
  await expect(page.getByText(/^Week of .*: \d+ repl/)).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expectAccessible(page, 'reports');
  await page.setViewportSize({ width: 375, height: 740 });
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'reports at 375 px');
});

test('Today and Waiting on you ask for their first rows while their code is still loading', async ({ page }) => {
  const path = (url: string) => new URL(url).pathname;
  // Today's code is held: its plan must already be on the way.
  const todayCode = await holdRequests(page, (url) => /\/assets\/Today-[^/]+\.js$/.test(url.pathname));
  await page.goto('/signin');
  await page.getByLabel('Email').fill(RUNNER.email);
  await page.getByLabel('Password').fill(RUNNER.password);
  const plan = page.waitForRequest((r) => path(r.url()) === '/api/v1/today', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await plan;
  await expect.poll(() => todayCode.count()).toBe(1);
  await todayCode.release();
  await expect(page.locator('article.suggestion').first()).toBeVisible();

  const waitingCode = await holdRequests(page, (url) => /\/assets\/Waiting-[^/]+\.js$/.test(url.pathname));
  const oldest = page.waitForRequest((r) => path(r.url()) === '/api/v1/waiting' && new URL(r.url()).searchParams.get('limit') === '100', { timeout: 10_000 });
  await page.goto('/waiting', { waitUntil: 'commit' });
  await oldest;
  await expect.poll(() => waitingCode.count()).toBe(1);
  await waitingCode.release();
  await expect(page.getByTestId('wait-scroll').getByRole('row').first()).toBeVisible();
});
