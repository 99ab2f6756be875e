import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { importPaths } from '../import/import.service.js';
import { listMessageFiles } from '../import/mail/sources.js';
import { corpus } from '../test/corpora.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { addAccount, findAccountOrThrow } from './accounts.service.js';
import { takeLease } from './mail.repo.js';
import { loadMailKey } from './secret-box.js';
import { syncAccounts } from './sync.service.js';
import { hasDovecot, startDovecot, type TestDovecot } from './test-dovecot.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const KEY = loadMailKey({ secret: 'a test secret of enough length', dataDir: '/nonexistent' });
const MAILDIR = corpus('email-threads-notmuch-maildir');

async function corpusFiles(): Promise<string[]> {
  return [...(await listMessageFiles(`${MAILDIR}/default`, 'maildir')), ...(await listMessageFiles(`${MAILDIR}/threading`, 'maildir'))];
}

const fast = { backoffMs: 100 };

describe.skipIf(!hasDovecot).each(testDialects())('IMAP sync from a real Dovecot (%s)', (dialect) => {
  let db: Db;
  let ws: Workspace;
  let dovecot: TestDovecot;

  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
    dovecot = await startDovecot();
  });
  afterEach(async () => {
    await dovecot.close();
    await db.close();
  });

  const account = (extra: { folders?: string[]; history_days?: number } = {}) =>
    addAccount(
      db.kysely,
      ws,
      { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: `smtp://${dovecot.user}@127.0.0.1:1`, password: dovecot.password, address: 'me@acme.example', ...extra },
      KEY,
      NOW,
    );
  const countInteractions = async () => Number((await db.kysely.selectFrom('interactions').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()).n);

  it('imports each unique message once, then nothing, then only a message appended afterwards', async () => {
    const files = await corpusFiles();
    await dovecot.appendFiles('INBOX', files);
    // The same messages imported from the archive into another workspace: the reference counts.
    const other = await buildWorkspace(db);
    const archive = await importPaths(db, other, [`${MAILDIR}/default`, `${MAILDIR}/threading`], NOW, { workers: 0 });
    const acc = await account();

    const first = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(first.failures).toEqual([]);
    expect(first.read).toBe(files.length);
    expect(first.imported).toBe(archive.imported);
    expect(first.imported + first.duplicates + first.malformed).toBe(files.length);
    expect(first.contacts_created).toBe(archive.contacts_created);
    expect(await countInteractions()).toBe(archive.imported);

    const second = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(second).toMatchObject({ read: 0, imported: 0, duplicates: 0, failures: [] });
    expect(Object.keys(second).sort()).toEqual(['automated', 'contacts_created', 'duplicates', 'errors', 'failures', 'imported', 'malformed', 'read', 'seconds', 'threads'].sort());

    await dovecot.append('INBOX', 'From: Zed <zed@new.example>\r\nTo: me@acme.example\r\nSubject: Late news\r\nDate: Mon, 01 Jun 2026 09:00:00 +0000\r\nMessage-ID: <late@new.example>\r\n\r\nAre you free on Friday?\r\n');
    const third = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(third).toMatchObject({ read: 1, imported: 1, duplicates: 0, contacts_created: 1 });
    expect(await countInteractions()).toBe(archive.imported + 1);
    const row = await db.kysely.selectFrom('interactions').select(['source', 'direction']).where('identity', '=', '<late@new.example>').executeTakeFirstOrThrow();
    expect(row.source).toMatch(new RegExp(`^imap:${acc.id}/INBOX/\\d+/\\d+$`));
    expect(row.direction).toBe('in');

    const status = await findAccountOrThrow(db.kysely, ws, acc.id, NOW);
    expect(status.status.state).toBe('ok');
    expect(status.status.folders.map((f) => [f.path, f.role, f.last_run_messages, f.last_error])).toEqual([
      ['INBOX', 'inbox', 1, null],
      ['Sent', 'sent', 0, null],
    ]);
  });

  it('costs one SELECT per unchanged folder, also after flags changed (HIGHESTMODSEQ moved, UIDNEXT did not)', async () => {
    await dovecot.close();
    dovecot = await startDovecot({ rawlog: true });
    await dovecot.append('INBOX', 'From: Zed <zed@new.example>\r\nTo: me@acme.example\r\nSubject: Hi\r\nDate: Mon, 01 Jun 2026 09:00:00 +0000\r\nMessage-ID: <z1@new.example>\r\n\r\nHello\r\n');
    const acc = await account();
    await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    const cursor = async () => db.kysely.selectFrom('mail_folders').select(['path', 'uid_next', 'highest_modseq']).where('account_id', '=', acc.id).orderBy('path').execute();
    const after = await cursor();
    // Dovecot offers CONDSTORE: the cursor holds its HIGHESTMODSEQ.
    expect(after.every((f) => f.highest_modseq !== null)).toBe(true);

    const c = await dovecot.client();
    await c.mailboxOpen('INBOX');
    await c.messageFlagsAdd('1:*', ['\\Seen']);
    await c.logout();
    const sessions = () => readdirSync(join(dovecot.dir, 'rawlog')).filter((f) => f.endsWith('.in'));
    const seen = new Set(sessions());
    const again = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(again).toMatchObject({ read: 0, imported: 0, failures: [] });
    const fresh = sessions().filter((f) => !seen.has(f));
    expect(fresh).toHaveLength(1);
    const commands = readFileSync(join(dovecot.dir, 'rawlog', fresh[0]!), 'utf8')
      .split('\r\n')
      .map((l) => /^(?:\d+\.\d+ )?\S+ (\S+)/.exec(l)?.[1]?.toUpperCase())
      .filter((v): v is string => Boolean(v));
    // Nothing searched, nothing fetched: the folders were only selected (read-only: EXAMINE).
    expect(commands.filter((cmd) => !['CAPABILITY', 'ID', 'ENABLE', 'LIST', 'NAMESPACE', 'COMPRESS', 'LOGOUT', 'NOOP'].includes(cmd))).toEqual(['EXAMINE', 'EXAMINE']);
    const moved = await cursor();
    const inbox = (rows: typeof after) => rows.find((f) => f.path === 'INBOX')!;
    expect(inbox(moved).uid_next).toBe(inbox(after).uid_next);
    expect(BigInt(inbox(moved).highest_modseq!)).toBeGreaterThan(BigInt(inbox(after).highest_modseq!));
  });

  it('stores a message seen in an archive and over IMAP once, without downloading it', async () => {
    const files = await corpusFiles();
    await dovecot.appendFiles('INBOX', files);
    const archive = await importPaths(db, ws, [`${MAILDIR}/default`, `${MAILDIR}/threading`], NOW, { workers: 0 });
    const acc = await account();
    const result = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(result.imported).toBe(0);
    expect(await countInteractions()).toBe(archive.imported);
  });

  it('resyncs a recreated folder (new UIDVALIDITY) by Message-ID: no duplicates, and no resync loop', async () => {
    const files = (await corpusFiles()).slice(0, 20);
    await dovecot.appendFiles('Projects', files);
    const acc = await account({ folders: ['INBOX', 'Projects'] });
    const first = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    const stored = await countInteractions();
    expect(first.imported).toBe(stored);

    const c = await dovecot.client();
    const before = (await c.mailboxOpen('Projects')).uidValidity;
    await c.mailboxClose();
    await c.mailboxDelete('Projects');
    await c.logout();
    await dovecot.appendFiles('Projects', [...files, `${MAILDIR}/threading/ghost-root/fake-root`].filter((f, i, all) => all.indexOf(f) === i));
    const c2 = await dovecot.client();
    expect((await c2.mailboxOpen('Projects')).uidValidity).not.toBe(before);
    await c2.logout();

    const resync = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(resync.failures).toEqual([]);
    expect(await countInteractions()).toBe(stored + resync.imported);
    expect(resync.imported).toBeLessThanOrEqual(1);
    expect(resync.duplicates).toBeGreaterThanOrEqual(files.length - 1);
    const again = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(again).toMatchObject({ read: 0, imported: 0 });
  });

  it('survives a Dovecot restart in the middle of a sync', async () => {
    const files = await corpusFiles();
    await dovecot.appendFiles('INBOX', files);
    const acc = await account();
    let restarted = false;
    // Awaited below, so that a failed restart fails this test, not a later one.
    let restarting: Promise<void> | undefined;
    const result = await syncAccounts(db, ws, KEY, NOW, acc.id, {
      ...fast,
      batchSize: 10,
      afterBatch: async () => {
        if (restarted) return;
        restarted = true;
        await dovecot.stop();
        restarting = new Promise((resolve, reject) => setTimeout(() => dovecot.start().then(resolve, reject), 300));
      },
    });
    await restarting;
    expect(restarted).toBe(true);
    expect(result.failures).toEqual([]);
    const reference = await buildWorkspace(db);
    const archive = await importPaths(db, reference, [`${MAILDIR}/default`, `${MAILDIR}/threading`], NOW, { workers: 0 });
    expect(await countInteractions()).toBe(archive.imported);
    expect((await findAccountOrThrow(db.kysely, ws, acc.id, NOW)).status.state).toBe('ok');
  });

  it('goes on after a message was expunged', async () => {
    const files = (await corpusFiles()).slice(0, 10);
    await dovecot.appendFiles('INBOX', files);
    const acc = await account();
    await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    const stored = await countInteractions();
    const c = await dovecot.client();
    await c.mailboxOpen('INBOX');
    await c.messageDelete('1:3', { uid: true });
    await c.logout();
    await dovecot.append('INBOX', 'From: Zed <zed@new.example>\r\nTo: me@acme.example\r\nSubject: After\r\nMessage-ID: <after@new.example>\r\n\r\nHello again\r\n');
    const next = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(next).toMatchObject({ read: 1, imported: 1, failures: [] });
    expect(await countInteractions()).toBe(stored + 1);
  });

  it('limits a first sync to the history window', async () => {
    const old = 'From: Old <old@past.example>\r\nTo: me@acme.example\r\nSubject: Long ago\r\nMessage-ID: <old@past.example>\r\n\r\nHi\r\n';
    await dovecot.append('INBOX', old, new Date(NOW - 400 * 86_400_000));
    await dovecot.append('INBOX', old.replaceAll('old@past', 'recent@past'), new Date(NOW - 10 * 86_400_000));
    const acc = await account();
    const result = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(result).toMatchObject({ read: 1, imported: 1 });
  });

  it('shows an account with a failing folder as failed, never as synced', async () => {
    await dovecot.append('INBOX', 'From: a@b.example\r\nTo: me@acme.example\r\nSubject: x\r\nMessage-ID: <x@b.example>\r\n\r\nHi\r\n');
    const acc = await account({ folders: ['INBOX', 'Missing'] });
    const result = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(result.imported).toBe(1);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatch(/Missing/);
    const status = (await findAccountOrThrow(db.kysely, ws, acc.id, NOW)).status;
    expect(status.state).toBe('error');
    expect(status.last_success_at).toBeNull();
    expect(status.last_error).toMatch(/^Missing: /);
    expect(status.folders.find((f) => f.path === 'INBOX')?.last_error).toBeNull();
  });

  it('refuses to sync an account another process is syncing', async () => {
    const acc = await account();
    expect(await takeLease(db.kysely, ws.id, acc.id, 'other-process', Date.now(), Date.now() + 60_000)).toBe(true);
    await expect(syncAccounts(db, ws, KEY, NOW, acc.id, fast)).rejects.toMatchObject({ code: 'conflict' });
    expect((await findAccountOrThrow(db.kysely, ws, acc.id, Date.now())).status.state).toBe('syncing');
  });

  it('records a refused login as the error of the account', async () => {
    const acc = await addAccount(
      db.kysely,
      ws,
      { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: 'smtp://x@127.0.0.1:1', password: 'wrong password', address: 'me@acme.example' },
      KEY,
      NOW,
    );
    const result = await syncAccounts(db, ws, KEY, NOW, acc.id, fast);
    expect(result.failures[0]).toMatch(/login: IMAP server 127\.0\.0\.1:\d+ refused user ada/);
    expect((await findAccountOrThrow(db.kysely, ws, acc.id, NOW)).status.state).toBe('error');
  });
});
