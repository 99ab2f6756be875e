import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { json, runCli } from '../../test/cli.js';
import { hasDovecot, startDovecot, type TestDovecot } from './test-dovecot.js';
import { startSmtp, type TestSmtp } from './test-smtp.js';

const ASK = 'From: Ada Lovelace <ada@client.example>\r\nTo: me@acme.example\r\nSubject: Figures\r\nDate: Mon, 03 Mar 2025 09:00:00 +0000\r\nMessage-ID: <c1@client.example>\r\n\r\nCould you send the updated figures?\r\n';
const NOW = '2025-03-06T12:00:00Z';
const LATER = '2025-03-06T12:00:01Z';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe.skipIf(!hasDovecot).each(testDialects())('rapport account, sync and send on %s', (dialect) => {
  let data: string;
  let target: string[];
  let cleanup: () => Promise<void>;
  let dovecot: TestDovecot;
  let smtp: TestSmtp;
  const outputs: string[] = [];
  const rp = async (...args: string[]) => {
    const result = await runCli([...target, ...args], { env: { MAIL_PW: dovecot.password } });
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'rapport-mail-cli-'));
    if (dialect === 'postgres') {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url, '--data', data];
      cleanup = drop;
    } else {
      target = ['--data', data];
      cleanup = async () => undefined;
    }
    dovecot = await startDovecot();
    smtp = await startSmtp({ password: dovecot.password });
    await dovecot.append('INBOX', ASK);
  });
  afterAll(async () => {
    await smtp.close();
    await dovecot.close();
    await cleanup();
    rmSync(data, { recursive: true, force: true });
  });

  it('adds an account, syncs, answers a wait, and leaves the password nowhere', { timeout: 240_000 }, async () => {
    expect((await rp('init', '--name', 'Acme', '--me', 'me@acme.example')).code).toBe(0);
    const added = await rp('account', 'add', '--imap', `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, '--smtp', `smtp://${dovecot.user}@127.0.0.1:${smtp.port}`, '--password-env', 'MAIL_PW', '--address', 'me@acme.example', '--json');
    expect(added.code, added.stderr).toBe(0);
    const account = json(added);
    expect(account).toMatchObject({ address: 'me@acme.example', status: { state: 'never' } });

    const tested = await rp('account', 'test', account.id);
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/^IMAP: ok, logged in as ada; INBOX and Sent\nSMTP: ok/);

    const synced = await rp('sync', '--json', '--now', NOW);
    expect(synced.code, synced.stderr).toBe(0);
    const summary = json(synced);
    expect(Object.keys(summary)).toEqual(['read', 'imported', 'duplicates', 'automated', 'malformed', 'contacts_created', 'threads', 'seconds', 'errors']);
    expect(summary).toMatchObject({ read: 1, imported: 1, contacts_created: 1, threads: 1, errors: [] });

    const [wait] = json(await rp('waiting', '--json', '--now', NOW));
    expect(wait).toMatchObject({ contact: { email: 'ada@client.example' }, subject: 'Figures' });

    const body = join(data, 'reply.md');
    writeFileSync(body, 'Here they are, **Ada**.\n');
    const sent = await rp('send', 'ada@client.example', '--reply-to-thread', wait.thread_id, '--file', body, '--now', NOW, '--json');
    expect(sent.code, sent.stderr).toBe(0);
    expect(json(sent)).toMatchObject({ subject: 'Re: Figures', appended_to_sent: true, thread_id: wait.thread_id });
    const mail = await simpleParser(smtp.received[0]!.raw);
    expect(mail.inReplyTo).toBe('<c1@client.example>');
    expect(json(await rp('waiting', '--json', '--now', LATER))).toEqual([]);

    const listed = json(await rp('account', 'ls', '--json'));
    expect(listed[0].status).toMatchObject({ state: 'ok', last_error: null });
    expect((await rp('account', 'ls')).stdout).toMatch(/ok/);

    // The daily digest goes out through the account too.
    const digest = await rp('digest', '--send', '--to', 'me@acme.example', '--now', LATER, '--json');
    expect(digest.code, digest.stderr).toBe(0);
    expect(json(digest)).toMatchObject({ sent_to: 'me@acme.example' });
    const digestMail = await simpleParser(smtp.received.at(-1)!.raw);
    expect(digestMail.subject).toBe(json(digest).subject);
    expect(digestMail.from?.text).toBe('me@acme.example');

    if (!process.env.RAPPORT_SECRET) expect(statSync(join(data, 'mail.key')).mode & 0o777).toBe(0o600);
    const password = Buffer.from(dovecot.password);
    for (const file of filesUnder(data)) expect(readFileSync(file).includes(password), file).toBe(false);
    expect(outputs.join('\n')).not.toContain(dovecot.password);
  });

  it('refuses a missing password variable and a wrong URL with a clear message', async () => {
    const missing = await runCli([...target, 'account', 'add', '--imap', 'imap://a@b.example', '--smtp', 'smtp://a@b.example', '--password-env', 'NOT_SET_ANYWHERE']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--password-env: the environment variable NOT_SET_ANYWHERE is empty or not set/);
    const wrong = await rp('account', 'add', '--imap', 'https://a@b.example', '--smtp', 'smtp://a@b.example', '--password-env', 'MAIL_PW');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^rapport: imap: expected imaps:\/\/ or imap:\/\/, got https:\/\//);
  });
});
