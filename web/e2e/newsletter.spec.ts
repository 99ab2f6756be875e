/**
 * The Newsletter page: a list with confirmed subscribers (one of them engaged), the funnel as
 * a chart and a table per list, a drip started and given two steps, a new list and a CSV
 * import with consent, all in the browser; the page
 * fits a phone, passes axe, names itself and logs nothing to the console. Its own workspace
 * and owner, made with the CLI; the list and its subscribers are written with the services
 * on the data folder the server serves. Last, a campaign is written, previewed, test-sent and
 * sent through the workspace's mail account to a loopback SMTP server the test starts: on the
 * way it is scheduled and unscheduled, its remote image loads in the preview, and the public
 * address the send needs is set in Settings from the link the refusal gives. Last, a list of
 * 130 is paged and searched.
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { startSmtp, type TestSmtp } from '../../src/mail/test-smtp';
import { openDatabase } from '../../src/db/database';
import { createCampaign, scheduleCampaign } from '../../src/newsletter/campaigns.service';
import { insertEvent, insertSentIssue } from '../../src/newsletter/grow-fixtures';
import { newsletterDueJob } from '../../src/newsletter/newsletter.jobs';
import { createList, subscribe } from '../../src/newsletter/subscribers.service';
import { resolveWorkspace } from '../../src/workspaces/workspaces.service';
import { expectAccessible, expectNoHorizontalScroll, rapport, screenshot, watchApiFailures } from './helpers';

const NEWS_USER = { email: 'nina@news.test', password: 'a weekly note that works' };

test.describe.configure({ mode: 'serial' });

let apiFailures: string[] = [];
let consoleMessages: string[] = [];
test.beforeEach(({ page }) => {
  apiFailures = watchApiFailures(page);
  consoleMessages = [];
  page.on('console', (m) => {
    // The accessibility check injects axe into every frame; the sandboxed mail preview blocks it
    // (as it blocks any script), and Chromium logs that. Not the app's doing.
    if (/^Blocked script execution in '[^']*\/preview\.html'/.test(m.text())) return;
    if (m.type() === 'error' || m.type() === 'warning') consoleMessages.push(`${m.type()}: ${m.text()}`);
  });
});
test.afterEach(() => {
  expect(apiFailures, 'API calls answered 404 or 5xx').toEqual([]);
  expect(consoleMessages, 'console errors and warnings').toEqual([]);
});

/**
 * Clicks a control that sits below the campaign's preview. The preview is a sandboxed frame,
 * which Chromium runs in a process of its own; a click sent the moment a scroll ends can still
 * be routed by the frame's old place and land in it. A person never clicks that fast: scroll
 * first, let two frames paint, then click.
 */
async function clickBelowPreview(page: Page, target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await target.click();
}

let smtp: TestSmtp;
const SMTP_PASSWORD = 'loopback relay password';

test.afterAll(async () => {
  await smtp?.close();
});

test.beforeAll(async () => {
  test.setTimeout(120_000);
  smtp = await startSmtp({ password: SMTP_PASSWORD });
  rapport('init', '--name', 'News Studio', '--slug', 'news-studio', '--me', 'me@news.test');
  process.env.RAPPORT_E2E_NEWS_PASSWORD = NEWS_USER.password;
  rapport('--workspace', 'news-studio', 'user', 'create', NEWS_USER.email, '--name', 'Nina News', '--role', 'owner', '--password-env', 'RAPPORT_E2E_NEWS_PASSWORD');
  const db = await openDatabase({ dataDir: process.env.RAPPORT_E2E_DATA as string });
  try {
    const ws = await resolveWorkspace(db.kysely, 'news-studio');
    const now = Date.now();
    const list = await createList(db.kysely, ws, { name: 'Weekly note', from_address: 'me@news.test' }, now - 40 * 86_400_000);
    const ada = await subscribe(db.kysely, ws, 'Weekly note', { email: 'ada@reader.test', name: 'Ada', confirmed: true }, 'import', now - 30 * 86_400_000);
    const bob = await subscribe(db.kysely, ws, 'Weekly note', { email: 'bob@reader.test', confirmed: true }, 'import', now - 30 * 86_400_000);
    await subscribe(db.kysely, ws, 'Weekly note', { email: 'new@reader.test' }, 'form', now - 86_400_000);
    const issue = await insertSentIssue(db, ws.id, list.id, 'Pricing, plainly', now - 7 * 86_400_000, [ada.id, bob.id]);
    await insertEvent(db, ws.id, ada.id, 'click', now - 6 * 86_400_000, { campaign_id: issue, url: 'https://news.test/pricing' });
  } finally {
    await db.close();
  }
});

async function signInAsNina(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(NEWS_USER.email);
  await page.getByLabel('Password').fill(NEWS_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Today', level: 1 })).toBeVisible();
}

test('the funnel shows the list, and a drip is started with two steps in order', async ({ page }) => {
  await signInAsNina(page);
  await page.getByRole('link', { name: 'Newsletter' }).first().click();
  await expect(page.getByRole('heading', { name: 'Newsletter', level: 1 })).toBeVisible();
  await expect(page).toHaveTitle('Newsletter · Rapport');

  const funnel = page.getByRole('region', { name: 'Newsletter funnel' });
  await expect(funnel.getByRole('img', { name: /Subscribers to clients\. 2 subscribers; 1 \(50%\) opened or clicked in 90 days/ })).toBeVisible();
  const row = funnel.getByTestId('funnel-lists').getByRole('row', { name: /Weekly note/ });
  await expect(row.getByRole('cell')).toHaveText(['2', '1', '0', '0', '—', '—']);

  const drips = page.getByRole('region', { name: 'Drips' });
  await expect(drips.getByText('No drip yet.')).toBeVisible();
  await drips.getByLabel('Drip name').fill('Welcome');
  await drips.getByRole('button', { name: 'Create drip' }).click();
  const drip = drips.getByTestId('drip');
  await expect(drip.getByRole('heading', { name: /Welcome · list Weekly note · 0 running, 0 enrolled, 0 sent/ })).toBeVisible();

  await drip.getByText('Add a step').click();
  await drip.getByLabel('Days after confirming').fill('0');
  await drip.getByLabel(/^Message/).fill('---\nsubject: Welcome aboard\n---\nHello {{first_name|there}}!');
  await drip.getByRole('button', { name: 'Add step' }).click();
  await expect(drip.getByRole('listitem')).toHaveText(['Day 0: Welcome aboard']);
  await drip.getByLabel('Days after confirming').fill('3');
  await drip.getByLabel(/^Message/).fill('---\nsubject: Our best articles\n---\nStart with these.');
  await drip.getByRole('button', { name: 'Add step' }).click();
  await expect(drip.getByRole('listitem')).toHaveText(['Day 0: Welcome aboard', 'Day 3: Our best articles']);

  // A new list, and subscribers imported from CSV with their consent.
  const lists = page.getByRole('region', { name: 'Lists' });
  await lists.getByLabel('List name').fill('Monthly note');
  await lists.getByLabel('From address').fill('me@news.test');
  await lists.getByRole('button', { name: 'Create list' }).click();
  await expect(lists.getByTestId('lists').getByRole('row', { name: /Monthly note/ }).getByRole('cell')).toHaveText(['0', '0', '0', '0', '0']);
  await lists.getByLabel('Into list').selectOption({ label: 'Monthly note' });
  await lists.getByLabel(/^CSV/).fill('cy@reader.test,Cy\ndee@reader.test,Dee\n');
  await lists.getByLabel(/They agreed to receive it/).check();
  await lists.getByRole('button', { name: 'Import' }).click();
  await expect(lists.getByRole('status')).toHaveText('Imported 2 as confirmed; 0 already on the list.');
  await expect(lists.getByTestId('lists').getByRole('row', { name: /Monthly note/ }).getByRole('cell')).toHaveText(['2', '0', '0', '0', '0']);
  await expect(lists.getByTestId('lists').getByRole('row', { name: /Weekly note/ }).getByRole('cell')).toHaveText(['2', '1', '0', '0', '0']);
  await expect(funnel.getByTestId('funnel-lists').getByRole('row', { name: /Monthly note/ }).getByRole('cell')).toHaveText(['2', '0', '0', '0', '—', '—']);

  await expectAccessible(page, 'Newsletter');
  await screenshot(page, 'newsletter');
});

test('the funnel is in Reports, and the Newsletter page fits a 375 px phone', async ({ page }) => {
  await signInAsNina(page);
  await page.goto('/reports');
  await expect(page.getByRole('region', { name: 'Newsletter funnel' }).getByTestId('funnel-lists')).toContainText('Weekly note');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/newsletter');
  await expect(page.getByRole('heading', { name: 'Newsletter', level: 1 })).toBeVisible();
  await expect(page.getByTestId('drip')).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'Newsletter on a phone');
  await screenshot(page, 'phone-newsletter');
});

test('a campaign is written, previewed, test-sent, sent once to each subscriber, and counted', async ({ page }) => {
  // Many steps and four accessibility checks: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  // The campaign goes out through the workspace's mail account: its SMTP server is the loopback one.
  process.env.RAPPORT_E2E_SMTP_PASSWORD = SMTP_PASSWORD;
  rapport('--workspace', 'news-studio', 'account', 'add', '--imap', 'imap://nina@127.0.0.1:1', '--smtp', `smtp://nina@127.0.0.1:${smtp.port}`, '--password-env', 'RAPPORT_E2E_SMTP_PASSWORD', '--address', 'me@news.test');
  await signInAsNina(page);
  await page.goto('/newsletter');
  const lists = page.getByRole('region', { name: 'Lists' });
  await lists.getByLabel('List name').fill('Launch note');
  await lists.getByLabel('From address').fill('me@news.test');
  await lists.getByRole('button', { name: 'Create list' }).click();
  await expect(lists.getByTestId('lists').getByRole('row', { name: /Launch note/ })).toBeVisible();
  await lists.getByLabel('Into list').selectOption({ label: 'Launch note' });
  await lists.getByLabel(/^CSV/).fill('eve@reader.test,Eve\nfay@reader.test,Fay\ngus@reader.test,Gus\n');
  await lists.getByLabel(/They agreed to receive it/).check();
  await lists.getByRole('button', { name: 'Import' }).click();
  await expect(lists.getByRole('status')).toHaveText('Imported 3 as confirmed; 0 already on the list.');

  // One more, added by hand and unsubscribed again: the campaign below does not count him.
  const subscribers = page.getByRole('region', { name: 'Subscribers', exact: true });
  await subscribers.getByLabel('Subscribers of list').selectOption({ label: 'Launch note' });
  await subscribers.getByLabel('Subscriber email').fill('hal@reader.test');
  await subscribers.getByLabel(/They agreed elsewhere/).check();
  await subscribers.getByRole('button', { name: 'Add subscriber' }).click();
  const hal = subscribers.getByTestId('subscribers').getByRole('row', { name: /hal@reader\.test/ });
  await expect(hal.getByRole('cell').first()).toHaveText('confirmed');
  await subscribers.getByRole('button', { name: 'Unsubscribe hal@reader.test' }).click();
  await expect(hal.getByRole('cell').first()).toHaveText('unsubscribed');

  const campaigns = page.getByRole('region', { name: 'Campaigns' });
  await expect(campaigns.getByTestId('campaigns').getByRole('row', { name: /Pricing, plainly/ }).getByRole('cell')).toHaveText(['Weekly note', 'sent', /\d/]);
  await campaigns.getByLabel('To list').selectOption({ label: 'Launch note' });
  await campaigns.getByLabel('Subject').fill('We launched: the pricing page');
  await campaigns.getByLabel('Preheader').fill('Three plans, plainly');
  await campaigns.getByLabel(/^Body/).fill('Hello {{first_name|there}},\n\n![The team at launch](https://images.news.test/launch.png)\n\nRead [the pricing page](https://news.test/pricing).');
  // The issue's remote image, served by the test: the preview may load it (https), and does.
  const imageLoads: string[] = [];
  await page.context().route('https://images.news.test/**', (route) => {
    imageLoads.push(route.request().url());
    return route.fulfill({ contentType: 'image/png', body: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64') });
  });
  await campaigns.getByRole('button', { name: 'Save draft' }).click();

  const campaign = campaigns.getByTestId('campaign');
  await expect(campaign.getByRole('heading', { name: 'We launched: the pricing page' })).toBeVisible();
  await expect(campaigns.getByTestId('campaigns').getByRole('row', { name: /We launched/ }).getByRole('cell')).toHaveText(['Launch note', 'draft', /\d/]);
  const frame = campaign.locator('iframe[title="HTML preview"]');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect.poll(() => imageLoads).toEqual(['https://images.news.test/launch.png']);
  // The preview is its own page with its own policy: https images, no script. It is untracked:
  // its links are the article's own, and it loads no open pixel.
  const previewPage = await page.request.get(String(await frame.getAttribute('src')));
  expect(previewPage.headers()['content-security-policy']).toMatch(/img-src https: data:.*sandbox/);
  expect(previewPage.headers()['content-security-policy']).not.toMatch(/script-src/);
  const previewHtml = await previewPage.text();
  expect(previewHtml).toMatch(/<a [^>]*href="https:\/\/news\.test\/pricing"[^>]*>the pricing page<\/a>/);
  expect(previewHtml).toMatch(/<img [^>]*src="https:\/\/images\.news\.test\/launch\.png"/);
  expect(previewHtml).toContain('Hello Eve,');
  expect(previewHtml).not.toMatch(/\/p\/o\//);
  const rows = campaigns.getByTestId('campaigns');
  await expect(campaigns.getByRole('status').filter({ hasText: /campaigns$/ })).toHaveText('2 campaigns');
  await campaign.getByText('Text part').click();
  await expect(campaign.getByTestId('preview-text')).toContainText('Read the pricing page [https://news.test/pricing]');
  await expect(campaign.getByTestId('preview-text')).toContainText('Unsubscribe: ');

  // Scheduled for a time in the workspace's zone, then taken back to draft.
  const sendAt = campaign.getByLabel(/^Send at \(UTC\)/);
  await sendAt.fill('2030-01-07T09:00');
  await clickBelowPreview(page, campaign.getByRole('button', { name: 'Schedule', exact: true }));
  await expect(campaign.getByText(/· scheduled for .*2030.* \(UTC\)/)).toBeVisible();
  await expect(rows.getByRole('row', { name: /We launched/ }).getByRole('cell').nth(1)).toHaveText('scheduled');
  await expect(sendAt).toHaveValue('2030-01-07T09:00');
  await clickBelowPreview(page, campaign.getByRole('button', { name: 'Unschedule' }));
  await expect(rows.getByRole('row', { name: /We launched/ }).getByRole('cell').nth(1)).toHaveText('draft');
  await expect(campaign.getByText(/scheduled for/)).toHaveCount(0);

  // Without a public address the send is refused, and the page links to where it is set.
  await clickBelowPreview(page, campaign.getByRole('button', { name: 'Send…' }));
  await expect(campaign.getByText('Send “We launched: the pricing page” now to 3 recipients?', { exact: false })).toBeVisible();
  await expect(campaign.getByLabel('Send through')).toHaveValue('');
  await expect(campaign.getByLabel('Send through').locator('option').first()).toHaveText('me@news.test (the first)');
  await campaign.getByLabel('Messages per second at most').fill('50');
  await clickBelowPreview(page, campaign.getByRole('button', { name: 'Send to 3' }));
  await expect(campaign.getByRole('alert')).toContainText('Set the address where people reach this Rapport first');
  // Chromium logs the refused request itself; that one is expected.
  consoleMessages = consoleMessages.filter((m) => !m.includes('status of 400 (Bad Request)'));
  await campaign.getByRole('link', { name: 'Settings → Public address' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const address = page.getByRole('textbox', { name: 'Public address' });
  await expect(address).toBeFocused();
  // Checked beside the field before anything is saved.
  await address.fill('http://crm.example.com/news?x=1');
  await expect(page.getByText('Use https://host[/path] (http:// only for localhost), with no user, query or fragment.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save address' })).toBeDisabled();
  const publicUrl = `http://127.0.0.1:${process.env.RAPPORT_E2E_PORT}`;
  await address.fill(`${publicUrl}/`);
  await expect(page.getByText(`Links in each issue will start with ${publicUrl}/p/…`)).toBeVisible();
  await page.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Public address' })).toHaveText(`Public address saved: ${publicUrl}.`);
  await expectAccessible(page, 'Settings with the public address');
  await page.goBack();
  await campaigns.getByRole('button', { name: 'We launched: the pricing page' }).click();

  await campaign.getByLabel('Send a test to').fill('nina@news.test');
  await clickBelowPreview(page, campaign.getByRole('button', { name: 'Send test' }));
  await expect(campaign.getByRole('status').filter({ hasText: 'Test sent' })).toHaveText('Test sent to nina@news.test.');
  expect(smtp.received.map((m) => m.to)).toEqual([['nina@news.test']]);

  await clickBelowPreview(page, campaign.getByRole('button', { name: 'Send…' }));
  await clickBelowPreview(page, campaign.getByRole('button', { name: 'Send to 3' }));
  const stats = campaign.getByTestId('campaign-stats');
  await expect(stats.getByRole('definition')).toHaveText(['3', '3', '0', '0', '0', '0', '0', '0', '0', '0']);
  await expect(campaigns.getByTestId('campaigns').getByRole('row', { name: /We launched/ }).getByRole('cell').nth(1)).toHaveText('sent');

  const copies = smtp.received.slice(1);
  expect(copies.flatMap((m) => m.to).sort()).toEqual(['eve@reader.test', 'fay@reader.test', 'gus@reader.test']);
  const mail = await simpleParser(copies[0]!.raw);
  expect(mail.subject).toBe('We launched: the pricing page');
  expect(copies[0]!.raw.toString()).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  expect(mail.text).toContain('Hello ');

  const funnel = page.getByRole('region', { name: 'Newsletter funnel' });
  await page.reload();
  // The funnel counts everyone who confirmed, Hal too (he left later).
  await expect(funnel.getByTestId('funnel-lists').getByRole('row', { name: /Launch note/ }).getByRole('cell')).toHaveText(['4', '0', '0', '0', '—', '—']);
  await campaigns.getByRole('button', { name: 'We launched: the pricing page' }).click();
  await expect(campaign.getByTestId('campaign-stats')).toBeVisible();
  await expectAccessible(page, 'Newsletter with a sent campaign');
  await page.setViewportSize({ width: 375, height: 740 });
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'a sent campaign on a phone');
  await screenshot(page, 'newsletter-campaign');
});

test('a list of 130 subscribers is paged by 100 and searched by address; a missed campaign says why', async ({ page }) => {
  test.setTimeout(120_000);
  const db = await openDatabase({ dataDir: process.env.RAPPORT_E2E_DATA as string });
  try {
    const ws = await resolveWorkspace(db.kysely, 'news-studio');
    await createList(db.kysely, ws, { name: 'Big list', from_address: 'me@news.test' }, Date.now());
    for (let i = 1; i <= 130; i += 1) await subscribe(db.kysely, ws, 'Big list', { email: `big${String(i).padStart(3, '0')}@reader.test`, confirmed: true }, 'import', Date.now());
    // Scheduled for 8 hours ago and found so by the worker's minute job: missed.
    const late = await createCampaign(db.kysely, ws, { list: 'Big list', markdown: '---\nsubject: The Monday note\n---\nHello.' }, Date.now());
    await scheduleCampaign(db.kysely, ws, late.id, new Date(Date.now() - 8 * 3_600_000).toISOString(), Date.now());
    const worker = { db, now: Date.now, enqueue: async () => undefined, services: { mailKey: () => Buffer.alloc(32), allowPrivateWebhooks: false }, signal: new AbortController().signal };
    await newsletterDueJob.run({}, worker as never);
  } finally {
    await db.close();
  }
  await signInAsNina(page);
  await page.goto('/newsletter');
  const campaigns = page.getByRole('region', { name: 'Campaigns' });
  await expect(campaigns.getByTestId('campaigns').getByRole('row', { name: /The Monday note/ }).getByRole('cell').nth(1)).toHaveText('missed');
  await campaigns.getByRole('button', { name: 'The Monday note' }).click();
  await expect(campaigns.getByTestId('missed')).toContainText(/Missed\. The worker did not start this send: it was scheduled for .* and would start 8\.0 h late, more than its limit of 6 h \(noticed .*, UTC\)\./);
  await expect(campaigns.getByRole('button', { name: 'Send now…' })).toBeVisible();
  await expect(campaigns.getByRole('heading', { name: 'Reschedule' })).toBeVisible();
  const subscribers = page.getByRole('region', { name: 'Subscribers', exact: true });
  await subscribers.getByLabel('Subscribers of list').selectOption({ label: 'Big list' });
  const table = subscribers.getByTestId('subscribers');
  await expect(subscribers.getByRole('status')).toHaveText('Showing 100 of 130 subscribers');
  await expect(table.locator('tbody tr')).toHaveCount(100);
  await subscribers.getByRole('button', { name: 'Load more' }).click();
  await expect(subscribers.getByRole('status')).toHaveText('130 subscribers');
  await expect(table.locator('tbody tr')).toHaveCount(130);
  await expect(table.getByRole('row', { name: /big130@reader\.test/ })).toBeVisible();
  await expect(subscribers.getByRole('button', { name: 'Load more' })).toHaveCount(0);

  await subscribers.getByLabel('Find by address').fill('BIG12');
  await expect(subscribers.getByRole('status')).toHaveText('10 matching subscribers');
  await expect(table.getByRole('rowheader')).toHaveText(Array.from({ length: 10 }, (_, i) => `big12${i}@reader.test`));
  await subscribers.getByLabel('Find by address').fill('nobody-here');
  await expect(subscribers.getByText('No subscriber’s address contains “nobody-here”.')).toBeVisible();
  // Back to the whole list as it was read: both pages.
  await subscribers.getByLabel('Find by address').fill('');
  await expect(subscribers.getByRole('status')).toHaveText('130 subscribers');

  await expectAccessible(page, 'Newsletter with a paged list');
  await page.setViewportSize({ width: 375, height: 740 });
  await expectNoHorizontalScroll(page);
  await page.goto('/settings#public-url');
  await expect(page.getByRole('textbox', { name: 'Public address' })).toHaveValue(`http://127.0.0.1:${process.env.RAPPORT_E2E_PORT}`);
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'Settings on a phone');
});
