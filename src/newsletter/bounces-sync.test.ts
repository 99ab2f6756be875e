import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { addAccount } from '../mail/accounts.service.js';
import { loadMailKey } from '../mail/secret-box.js';
import { syncAccounts } from '../mail/sync.service.js';
import { hasDovecot, startDovecot, type TestDovecot } from '../mail/test-dovecot.js';
import { corpus } from '../test/corpora.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { isSuppressed } from './subscribers.service.js';
import { buildSend, eventsOf, statusOf } from './test-newsletter.js';

const KEY = loadMailKey({ secret: 'a test secret of enough length', dataDir: '/nonexistent' });

describe.skipIf(!hasDovecot).each(testDialects())('bounces found by the IMAP sync (%s)', (dialect) => {
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

  it('a DSN and a complaint synced from INBOX suppress their addresses, create no contact, and count once on the next sync', async () => {
    const bounced = await buildSend(db, ws, 'edwin@zzzzzzz.com', '<200712232303.lBNN3jDq002941@mail12.rrrr.com.au>');
    const complained = await buildSend(db, ws, 'user@example.com', '8787KJKJ3K4J3K4J3K4J3.mail@example.net');
    await dovecot.appendFiles('INBOX', [corpus('mime-mikel-mail/multipart_report_emails/report_530.eml'), corpus('mime-mimekit/messages/feedback-report.txt')]);
    const account = await addAccount(
      db.kysely,
      ws,
      { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: `smtp://${dovecot.user}@127.0.0.1:1`, password: dovecot.password, address: 'me@acme.example', folders: ['INBOX'] },
      KEY,
      T0,
    );
    const first = await syncAccounts(db, ws, KEY, T0, account.id, { backoffMs: 100 });
    expect(first).toMatchObject({ imported: 2, contacts_created: 0 });
    expect(await statusOf(db, ws, bounced.subscriberId)).toMatchObject({ status: 'bounced' });
    expect(await statusOf(db, ws, complained.subscriberId)).toMatchObject({ status: 'complained' });
    expect(await isSuppressed(db.kysely, ws.id, 'edwin@zzzzzzz.com')).toBe(true);
    await syncAccounts(db, ws, KEY, T0 + 60_000, account.id, { backoffMs: 100 });
    expect((await eventsOf(db, ws, bounced.subscriberId)).map((e) => e.kind)).toEqual(['bounce_hard']);
  });
});
