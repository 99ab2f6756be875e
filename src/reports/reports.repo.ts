/** The queries of reports: daily snapshots, stored attention ratios. Row types stay in here. */
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';

export function listHealthSnapshots(db: Kysely<Database>, workspaceId: string, contactId: string, sinceDay: string) {
  return db
    .selectFrom('health_snapshots')
    .select(['day', 'score'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('day', '>=', sinceDay)
    .orderBy('day')
    .execute();
}

/** Contacts by current stored status; contacts never scored have no health row (null status). */
export function countCurrentStatuses(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('contacts as c')
    .leftJoin('contact_health as h', (j) => j.onRef('h.workspace_id', '=', 'c.workspace_id').onRef('h.contact_id', '=', 'c.id'))
    .select(['h.status', (eb) => eb.fn.countAll<number>().as('contacts')])
    .where('c.workspace_id', '=', workspaceId)
    .groupBy('h.status')
    .execute();
}

export function countStatusesByDay(db: Kysely<Database>, workspaceId: string, sinceDay: string) {
  return db
    .selectFrom('health_snapshots')
    .select(['day', 'status', (eb) => eb.fn.countAll<number>().as('contacts')])
    .where('workspace_id', '=', workspaceId)
    .where('day', '>=', sinceDay)
    .groupBy(['day', 'status'])
    .execute();
}

/**
 * The stored attention ratio of every contact past its honeymoon. Read out of the metrics
 * JSON by the database: across a large workspace the whole JSON would be megabytes.
 */
export async function listAttentionRatios(db: Kysely<Database>, dialect: Dialect, workspaceId: string): Promise<number[]> {
  const ratio = dialect === 'postgres' ? sql<number | null>`(cast(metrics as json) ->> 'attention_ratio')::float8` : sql<number | null>`json_extract(metrics, '$.attention_ratio')`;
  const rows = await db
    .selectFrom('contact_health')
    .select(ratio.as('ratio'))
    .where('workspace_id', '=', workspaceId)
    .where('stage', '=', 'established')
    .execute();
  return rows.flatMap((r) => (r.ratio === null ? [] : [Number(r.ratio)]));
}
