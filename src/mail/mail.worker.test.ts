import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { addAccount, findAccountOrThrow } from './accounts.service.js';
import { startMailWorker } from './mail.worker.js';
import { loadMailKey } from './secret-box.js';
import { hasDovecot, startDovecot, type TestDovecot } from './test-dovecot.js';

const KEY = loadMailKey({ secret: 'a test secret of enough length', dataDir: '/nonexistent' });
const message = (n: number) => `From: Ada <ada@client.example>\r\nTo: me@acme.example\r\nSubject: News ${n}\r\nMessage-ID: <news-${n}@client.example>\r\n\r\nAre you free on Friday?\r\n`;

/** Waits for a condition the worker brings about (no fixed sleeps: it polls until true or the test times out). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}

describe.skipIf(!hasDovecot).each(testDialects())('the mail worker of rapport serve (%s)', (dialect) => {
  let db: Db;
  let ws: Workspace;
  let dovecot: TestDovecot;
  const errors: unknown[] = [];
  const stored = async (identity: string) =>
    Number((await db.kysely.selectFrom('interactions').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.id).where('identity', '=', identity).executeTakeFirstOrThrow()).n);

  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
    dovecot = await startDovecot();
    await addAccount(db.kysely, ws, { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: 'smtp://ada@127.0.0.1:1', password: dovecot.password, address: 'me@acme.example' }, KEY, Date.now());
  });
  afterEach(async () => {
    await dovecot.close();
    await db.close();
  });

  it('picks up new INBOX mail through IDLE, and again after the server restarted', { timeout: 60_000 }, async () => {
    await dovecot.append('INBOX', message(1));
    // Two workers on one database, as two server processes: each message is stored once.
    const workers = [1, 2].map(() => startMailWorker(db, { key: () => KEY, now: Date.now, onError: (e) => errors.push(e), pollMs: 3_600_000, backoffMs: 100 }));
    try {
      await until(async () => (await stored('<news-1@client.example>')) === 1);
      await dovecot.append('INBOX', message(2));
      await until(async () => (await stored('<news-2@client.example>')) === 1);

      await dovecot.stop();
      await dovecot.start();
      await dovecot.append('INBOX', message(3));
      await until(async () => (await stored('<news-3@client.example>')) === 1);
    } finally {
      await Promise.all(workers.map((stop) => stop()));
    }
    for (const n of [1, 2, 3]) expect(await stored(`<news-${n}@client.example>`)).toBe(1);
    const { id } = await db.kysely.selectFrom('mail_accounts').select('id').executeTakeFirstOrThrow();
    expect((await findAccountOrThrow(db.kysely, ws, id, Date.now())).status.state).toBe('ok');
  });
});
