import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import type { JobContext } from '../jobs/jobs.types.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { addAccount } from './accounts.service.js';
import { syncAccountJob } from './mail.jobs.js';
import { loadMailKey } from './secret-box.js';

const services = { mailKey: () => loadMailKey({ secret: 'the mail key of the sync job test', dataDir: '/nonexistent' }), allowPrivateWebhooks: false };

describe.each(testDialects())('the mail sync job on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  let accountId: string;
  const enqueued: [string, unknown, unknown][] = [];
  const ctx = (): JobContext => ({
    db,
    now: () => T0,
    enqueue: async (name, payload, options) => {
      enqueued.push([name, payload, options]);
    },
    services,
    signal: new AbortController().signal,
  });
  beforeEach(async () => {
    enqueued.length = 0;
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
    accountId = (await addAccount(db.kysely, ws, { imap: 'imap://me@127.0.0.1:1', smtp: 'smtp://me@127.0.0.1:1', password: 'secret', address: 'me@acme.example' }, services.mailKey(), T0)).id;
  });
  afterEach(async () => {
    await db.close();
  });

  it('waits for a lease another process holds (one that died mid-sync) instead of spending its attempts', async () => {
    // Leases are taken and judged on the real clock.
    const leaseUntil = Date.now() + 9 * 60_000;
    await db.kysely.updateTable('mail_accounts').set({ lease_owner: '4242:dead', lease_until: leaseUntil }).where('id', '=', accountId).execute();
    const payload = { workspace_id: ws.id, account_id: accountId };
    await expect(syncAccountJob.run(payload, ctx())).resolves.toBeUndefined();
    expect(enqueued).toEqual([[syncAccountJob.name, payload, { runAt: leaseUntil + 1000 }]]);
  });

  it('still fails on anything else (here: an account that is gone)', async () => {
    await expect(syncAccountJob.run({ workspace_id: ws.id, account_id: 'ma_gone' }, ctx())).rejects.toMatchObject({ code: 'not_found' });
    expect(enqueued).toEqual([]);
  });
});
