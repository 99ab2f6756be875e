/**
 * Mail sync as a job: one job per account, keyed by the account, so that however many
 * workers hear of new mail (each keeps an IDLE connection, mail.worker.ts) or poll, an
 * account has one sync waiting at a time. A sync fetches what is past the folder's last
 * stored UID and the import dedupes by Message-ID, so a sync that runs twice stores nothing
 * twice; a sync that finds the account's lease taken fails and is retried with backoff.
 */
import { z } from 'zod';
import { defineJob } from '../jobs/jobs.types.js';
import { findWorkspaceByIdOrThrow } from '../workspaces/workspaces.service.js';
import { syncAccounts } from './sync.service.js';

export const syncAccountJob = defineJob({
  name: 'mail.sync',
  payload: z.object({ workspace_id: z.string(), account_id: z.string() }),
  key: (p) => `mail-sync:${p.workspace_id}:${p.account_id}`,
  maxAttempts: 10,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    await syncAccounts(ctx.db, ws, ctx.services.mailKey(), ctx.now(), p.account_id);
  },
});

export const MAIL_JOBS = [syncAccountJob];
