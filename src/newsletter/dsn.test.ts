import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../import/mail/parse-message.js';
import { corpus } from '../test/corpora.js';
import { classifyRecipient, parseFieldGroups, readMailReport } from './dsn.js';

const ctx = { own_addresses: ['news@acme.example'], own_domains: [], include_lists: false, competitors: [], knowledgeUrls: [] };

async function reportOf(file: string) {
  const outcome = await parseMail(readFileSync(corpus(file)), { fileTime: 0 }, ctx);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.mail;
}

describe('delivery reports of the shared corpora, read through the import parser', () => {
  it.each([
    // file, recipient, class, status, returned Message-ID
    ['mime-mimekit/messages/delivery-status.txt', 'newsletter-request@imusic.com', 'hard', null, '31FC7EB4.41C6@netscape.com'],
    ['mime-mimekit/messages/delivery-status-no-blank-line.txt', 'newsletter-request@imusic.com', 'hard', null, '31FC7EB4.41C6@netscape.com'],
    // No From at all (Return-Path: <>): still a report.
    ['mime-mimekit/messages/delivery-status2.txt', 'source@domain.com', 'hard', '5.0.0', null],
    ['mime-mikel-mail/multipart_report_emails/report_530.eml', 'edwin@zzzzzzz.com', 'hard', '5.3.0', '200712232303.lBNN3jDq002941@mail12.rrrr.com.au'],
    ['mime-mikel-mail/multipart_report_emails/report_422.eml', 'fraser@oooooooo.com.au', 'soft', '4.2.2', '15655788.13.1200472642578.JavaMail.Administrator@mail.ttttt.com.au'],
    // Two status parts, the first of them prose.
    ['mime-mikel-mail/multipart_report_emails/multipart_report_multiple_status.eml', 'u@ci.com', 'hard', '5.3.0', '4c2a146147ac8_61ff157c4ec1652df@s.h.c.mail'],
    ['mime-nodemailer-mailparser/delivery-status.eml', 'xxxx@xxxx.com', 'hard', '5.1.1', 'xxxxx@email.amazonses.com'],
  ])('%s: %s bounced %s (%s)', async (file, email, cls, status, messageId) => {
    const mail = await reportOf(file);
    expect(mail.automated).toBe(true);
    expect(mail.report?.kind).toBe('dsn');
    expect(mail.report?.recipients).toContainEqual(expect.objectContaining({ email, class: cls, status }));
    if (messageId) expect(mail.report?.originalMessageId).toBe(messageId);
  });

  it('a bounce to five recipients lists all five, hard', async () => {
    const mail = await reportOf('mime-mikel-mail/multipart_report_emails/multi_address_bounce1.eml');
    expect(mail.report?.recipients.map((r) => r.class)).toEqual(['hard', 'hard', 'hard', 'hard', 'hard']);
    expect(mail.report?.originalMessageId).toBe('118707422.15521266992174819.JavaMail.root@lvmail01');
  });

  it('an ARF abuse report (with a byte order mark) is a complaint naming the recipient', async () => {
    const mail = await reportOf('mime-mimekit/messages/feedback-report.txt');
    expect(mail.automated).toBe(true);
    expect(mail.report).toMatchObject({ kind: 'complaint', feedbackType: 'abuse', recipients: [{ email: 'user@example.com' }] });
    expect(mail.report?.originalMessageId).toBe('8787KJKJ3K4J3K4J3K4J3.mail@example.net');
  });

  it.each(['mime-mimekit/messages/disposition-notification.txt', 'mime-mikel-mail/plain_emails/basic_email.eml'])('%s is no report', async (file) => {
    expect((await reportOf(file)).report).toBeNull();
  });
});

describe('classifyRecipient', () => {
  it.each([
    ['failed', '5.1.1', 'hard'],
    ['failed', null, 'hard'],
    ['Failed', '4.4.7', 'soft'],
    ['delayed', '4.2.2', 'soft'],
    ['delayed', null, 'soft'],
    ['delivered', '2.0.0', null],
    ['relayed', null, null],
    ['expanded', '2.0.0', null],
  ])('%s %s → %s', (action, status, expected) => {
    expect(classifyRecipient(action, status)).toBe(expected);
  });
});

describe('readMailReport on reports written by RFC 3464 and RFC 5965', () => {
  const dsn = (fields: string) => ({
    contentType: 'multipart/report; report-type="delivery-status"; boundary=x',
    headers: [{ key: 'to', value: 'bounces+c1.s1@news.acme.example' }],
    parts: [
      { mimeType: 'message/delivery-status', content: `Reporting-MTA: dns; mx.example\nOriginal-Message-ID: <a1@acme.example>\n\n${fields}` },
      { mimeType: 'text/rfc822-headers', content: 'From: news@acme.example\nX-Rapport-Campaign: cp_1\nMessage-ID: <a1@acme.example>\n\n' },
    ],
  });

  it('reads folded fields and keeps the campaign header and the VERP address', () => {
    const report = readMailReport(dsn('Final-Recipient: rfc822; Ada@Example.COM\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1\n  user unknown'));
    expect(report).toEqual({
      kind: 'dsn',
      recipients: [{ email: 'ada@example.com', action: 'failed', status: '5.1.1', class: 'hard', diagnostic: 'smtp; 550 5.1.1 user unknown' }],
      originalMessageId: 'a1@acme.example',
      returnPaths: ['bounces+c1.s1@news.acme.example'],
      originalHeaders: { 'message-id': '<a1@acme.example>', 'x-rapport-campaign': 'cp_1' },
      feedbackType: null,
    });
  });

  it('a success notification bounces no one', () => {
    expect(readMailReport(dsn('Final-Recipient: rfc822; ada@example.com\nAction: delivered\nStatus: 2.0.0'))?.recipients).toEqual([]);
  });

  it('a plain message, or a report of another type, is no report', () => {
    expect(readMailReport({ contentType: 'text/plain', headers: [], parts: [] })).toBeNull();
    expect(readMailReport({ contentType: 'multipart/report; report-type=disposition-notification', headers: [], parts: [] })).toBeNull();
    expect(readMailReport({ contentType: 'multipart/report; report-type=delivery-status', headers: [], parts: [] })).toBeNull();
  });

  it('a complaint whose recipient was redacted still names the returned message', () => {
    const report = readMailReport({
      contentType: 'multipart/report; report-type=feedback-report; boundary=x',
      headers: [],
      parts: [
        { mimeType: 'message/feedback-report', content: 'Feedback-Type: abuse\nUser-Agent: Yahoo!-Mail-Feedback/1.0\nVersion: 1\n' },
        { mimeType: 'message/rfc822', content: 'From: news@acme.example\nTo: redacted@example.com\nMessage-ID: <a2@acme.example>\n\nbody' },
      ],
    });
    expect(report).toMatchObject({ kind: 'complaint', recipients: [], originalMessageId: 'a2@acme.example', feedbackType: 'abuse' });
  });

  it('parseFieldGroups splits on blank lines and joins continuation lines', () => {
    expect(parseFieldGroups('A: 1\r\nB: 2\r\n  more\r\n\r\n\r\nC: 3\n').map((g) => Object.fromEntries(g))).toEqual([{ a: '1', b: '2 more' }, { c: '3' }]);
  });
});
