/**
 * Live mail in the browser: Settings → Mail accounts against a throwaway Dovecot and a loopback
 * SMTP server (connection test, sync now), then a reply from Waiting closes the wait, and a
 * reply sent from Today's suggestion (its draft, the coach beside it) marks it done.
 */
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { startDovecot, type TestDovecot } from '../../src/mail/test-dovecot';
import { startSmtp, type TestSmtp } from '../../src/mail/test-smtp';
import { expectAccessible, OWNER, screenshot, signIn, watchApiFailures } from './helpers';

test.describe.configure({ mode: 'serial' });
test.skip(!existsSync('/usr/sbin/dovecot'), 'needs Dovecot (apt-get install dovecot-imapd)');

let dovecot: TestDovecot;
let smtp: TestSmtp;

test.beforeAll(async ({ request }) => {
  dovecot = await startDovecot();
  smtp = await startSmtp({ password: dovecot.password });
  const at = new Date(Date.now() - 2 * 3_600_000).toUTCString().replace('GMT', '+0000');
  await dovecot.append('INBOX', `From: Dana Scully <dana@fbi.test>\r\nTo: ${OWNER.email}\r\nSubject: Case files\r\nDate: ${at}\r\nMessage-ID: <dana1@fbi.test>\r\n\r\nCould you send me the case files before Friday?\r\n`);
  // Run alone, this file creates the owner; after the journey spec, the owner exists (409).
  await request.post('/api/v1/auth/signup', { data: { email: OWNER.email, password: OWNER.password, name: OWNER.name, workspace: { name: OWNER.workspace, me: [OWNER.email] } } });
});
test.afterAll(async () => {
  await smtp?.close();
  await dovecot?.close();
});

test('a mail account is added, tested and synced; a reply from Waiting closes the wait', async ({ page }) => {
  const apiFailures = watchApiFailures(page);
  await signIn(page);
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Mail accounts' });
  await section.getByLabel('IMAP server').fill(`imap://${dovecot.user}@127.0.0.1:${dovecot.port}`);
  await section.getByLabel('SMTP server').fill(`smtp://${dovecot.user}@127.0.0.1:${smtp.port}`);
  await section.getByLabel('Mail password').fill(dovecot.password);
  await section.getByLabel('Send from').fill(OWNER.email);
  await section.getByLabel('Account name').fill('Work mail');
  await section.getByRole('button', { name: 'Add mail account' }).click();
  await expect(section.getByText('Work mail')).toBeVisible();
  await expect(section.getByTestId('mail-state')).toHaveText('not synced yet');

  await section.getByRole('button', { name: 'Test connection' }).click();
  await expect(section.getByRole('status', { name: 'Connection test' })).toContainText('IMAP: ok');
  await expect(section.getByRole('status', { name: 'Connection test' })).toContainText('SMTP: ok');

  await section.getByRole('button', { name: 'Sync now' }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Sync done' })).toContainText('1 imported');
  await expect(section.getByTestId('mail-state')).toHaveText('synced');
  await expectAccessible(page, 'settings with a mail account');
  await screenshot(page, 'settings-mail');
  expect(await page.content()).not.toContain(dovecot.password);

  await page.goto('/waiting');
  await expect(page.getByRole('link', { name: 'Dana Scully' })).toBeVisible();
  await page.getByRole('button', { name: 'Reply to Dana Scully' }).click();
  await page.getByLabel('Message (Markdown)').fill('Here they are, **Dana**.');
  await expectAccessible(page, 'waiting with the composer');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Dana Scully' })).toHaveCount(0);

  expect(smtp.received).toHaveLength(1);
  const mail = await simpleParser(smtp.received[0]!.raw);
  expect(mail.inReplyTo).toBe('<dana1@fbi.test>');
  expect(mail.subject).toBe('Re: Case files');
  expect(apiFailures).toEqual([]);
});

test("a reply sent from Today's suggestion carries its draft and the coach, and the suggestion is done", async ({ page }) => {
  const apiFailures = watchApiFailures(page);
  const at = new Date(Date.now() - 3 * 3_600_000).toUTCString().replace('GMT', '+0000');
  await dovecot.append('INBOX', `From: Fox Mulder <fox@fbi.test>\r\nTo: ${OWNER.email}\r\nSubject: The X files\r\nDate: ${at}\r\nMessage-ID: <fox1@fbi.test>\r\n\r\nCan we meet about the X files this week?\r\n`);
  await signIn(page);
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Mail accounts' });
  await section.getByRole('button', { name: 'Sync now' }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Sync done' })).toContainText('1 imported');

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Today' })).toBeVisible();
  const card = page.getByRole('article', { name: 'Reply: Fox Mulder' });
  // The plan is loaded once its summary shows; Fox may be beyond today's plan (after other specs).
  await expect(page.getByTestId('plan-summary')).toBeVisible();
  if (!(await card.isVisible())) await page.getByRole('button', { name: /^Show all/ }).click();
  await card.getByRole('button', { name: 'Reply to Fox Mulder' }).click();
  const form = card.getByRole('form', { name: 'Reply to The X files' });
  await expect(form.getByLabel('Subject')).toHaveValue('Re: The X files');
  const draft = await form.getByLabel('Message (Markdown)').inputValue();
  expect(draft.trim().length).toBeGreaterThan(0);
  await form.getByLabel('Message (Markdown)').fill(`${draft}\n\nThank you for your patience, Fox: I will bring the files on Thursday.`);
  await expect(card.getByRole('heading', { name: 'Coach' })).toBeVisible();
  await expect(card.getByText(/^✓ /).first()).toBeVisible();
  await expectAccessible(page, 'today with the composer');
  await screenshot(page, 'today-reply-composer');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/messages') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Send', exact: true }).click();
  const sent = await (await answer).json();
  expect(sent.suggestion).toMatchObject({ status: 'done' });
  await expect(page.getByRole('status').filter({ hasText: 'Sent and done: Fox Mulder' })).toBeVisible();
  await expect(card).toHaveCount(0);

  expect(smtp.received).toHaveLength(2);
  const mail = await simpleParser(smtp.received[1]!.raw);
  expect(mail.inReplyTo).toBe('<fox1@fbi.test>');
  expect(mail.subject).toBe('Re: The X files');
  expect(mail.text).toContain('bring the files on Thursday');

  // The suggestion is done, not just gone, and the wait ended with it.
  const done = await page.request.get(`/api/v1/today?all=1`);
  expect(((await done.json()) as { id: string }[]).map((x) => x.id)).not.toContain(sent.suggestion.id);
  await page.goto('/waiting');
  await expect(page.getByRole('heading', { name: 'Waiting on you' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Fox Mulder' })).toHaveCount(0);
  expect(apiFailures).toEqual([]);
});
