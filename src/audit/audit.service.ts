/** The audit log: who changed what, when. Every write route records one entry on success. */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { idWith } from '../auth/secrets.js';
import { readJson } from '../shared/json.js';
import { toIso } from '../shared/time.js';
import type { AuditLogTable } from './audit.table.js';

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.enum(['user', 'token', 'cli']), id: z.string().nullable(), label: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  changes: z.array(z.string()),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export interface AuditRecord {
  workspaceId: string;
  actor: AuditEntry['actor'];
  action: string;
  target: AuditEntry['target'];
  changes: string[];
  ip?: string | null;
}

export async function recordAudit(db: Kysely<Database>, entry: AuditRecord, now: number): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: entry.workspaceId,
      id: idWith('au'),
      at: now,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      action: entry.action,
      target_type: entry.target.type,
      target_id: entry.target.id,
      changes: JSON.stringify(entry.changes.slice(0, 100)),
      ip: entry.ip ?? null,
    })
    .execute();
}

function rowToEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    at: toIso(row.at),
    actor: { type: row.actor_type as AuditEntry['actor']['type'], id: row.actor_id, label: row.actor_label },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    changes: readJson<string[]>(row.changes, []),
    ip: row.ip,
  };
}

/** Newest first; `before` is the id of the last entry of the previous page (ids sort by time). */
export async function listAudit(
  db: Kysely<Database>,
  workspaceId: string,
  query: { limit: number; before?: string; target_id?: string; action?: string },
): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (query.before) q = q.where('id', '<', query.before);
  if (query.target_id) q = q.where('target_id', '=', query.target_id);
  if (query.action) q = q.where('action', '=', query.action);
  const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map(rowToEntry);
}
