/**
 * Imports uploaded through the API run as jobs (import.run), keyed by the import: the
 * upload waits in the server's temporary folder until a worker on the same host takes it.
 * A job that runs again after the import finished does nothing; one that runs again after a
 * crash mid-import re-imports, and the import stores nothing twice (messages dedupe by
 * Message-ID, contacts by address).
 */
import { z } from 'zod';
import { defineJob } from '../jobs/jobs.types.js';
import { findWorkspaceByIdOrThrow } from '../workspaces/workspaces.service.js';
import { runImportJob } from './import-jobs.service.js';

export const runImportJobDefinition = defineJob({
  name: 'import.run',
  payload: z.object({ workspace_id: z.string(), import_id: z.string(), path: z.string() }),
  key: (p) => `import:${p.import_id}`,
  maxAttempts: 3,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    await runImportJob(ctx.db, ws, p.import_id, p.path, ctx.now);
  },
});

export const IMPORT_JOBS = [runImportJobDefinition];
