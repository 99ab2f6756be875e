/**
 * Mail sync as a job: one job per account, keyed by the account, so that however many
 * workers hear of new mail (each keeps an IDLE connection, mail.worker.ts) or poll, an
 * account has one sync waiting at a time. A sync fetches what is past the folder's last
 * stored UID and the import dedupes by Message-ID, so a sync that runs twice stores nothing
 * twice. A sync that finds the account's lease taken is not a failure (another process is
 * syncing it, or died doing so and its lease runs out): the job is enqueued again for when the
 * lease ends, without spending the job's attempts on the wait.
 */
import { z } from 'zod';
import { isAppError } from '../errors.js';
import { defineJob } from '../jobs/jobs.types.js';
import { findWorkspaceByIdOrThrow } from '../workspaces/workspaces.service.js';
import { findAccountRowOrThrow } from './mail.repo.js';
import { syncAccounts } from './sync.service.js';

export const syncAccountJob = defineJob({
  name: 'mail.sync',
  payload: z.object({ workspace_id: z.string(), account_id: z.string() }),
  key: (p) => `mail-sync:${p.workspace_id}:${p.account_id}`,
  maxAttempts: 10,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    try {
      await syncAccounts(ctx.db, ws, ctx.services.mailKey(), ctx.now(), p.account_id);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'conflict') throw error;
      const row = await findAccountRowOrThrow(ctx.db.kysely, ws.id, p.account_id);
      // Only a lease still held elsewhere (judged on the real clock, as leases are) is waited
      // for; any other conflict is a failure, retried with backoff, never a fast loop.
      if (row.lease_until === null || row.lease_until <= Date.now()) throw error;
      await ctx.enqueue(syncAccountJob.name, p, { runAt: Math.max(ctx.now(), row.lease_until ?? 0) + 1000 });
    }
  },
});

export const MAIL_JOBS = [syncAccountJob];
