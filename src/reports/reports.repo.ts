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

/** One message of a thread as the responsiveness report walks it. */
export interface ReplyWalkRow {
  thread_id: string;
  direction: string;
  occurred_at: number;
  is_closer: number;
}

/**
 * The messages that count for waits (non-automated inbound and outbound email before `now`) of
 * the threads with such an inbound email in [since, now), ordered by thread, then time, ties
 * by id as the wait walk orders them. Only the four columns the walk reads, all from indexes:
 * the threads from the (workspace, kind, time) index, their messages from the thread index.
 * Unthreaded inbound mail is left out: alone in its thread, it is never a replied wait.
 */
export function listReplyWalk(db: Kysely<Database>, dialect: Dialect, workspaceId: string, since: number, now: number): Promise<ReplyWalkRow[]> {
  const recent = db
    .selectFrom('interactions')
    .select('thread_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .where('occurred_at', '>=', since)
    .where('occurred_at', '<', now)
    .where('direction', '=', 'in')
    .where('automated', '=', 0)
    .where('thread_id', 'is not', null);
  // Ids compare byte by byte, as in the walk, whatever PostgreSQL's collation.
  const byId = dialect === 'postgres' ? sql`i.id collate "C"` : sql`i.id`;
  return db
    .selectFrom('interactions as i')
    .select(['i.thread_id', 'i.direction', 'i.occurred_at', 'i.is_closer'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.thread_id', 'in', recent)
    .where('i.kind', '=', 'email')
    .where('i.automated', '=', 0)
    .where('i.direction', 'in', ['in', 'out'])
    .where('i.occurred_at', '<', now)
    .orderBy('i.thread_id')
    .orderBy('i.occurred_at')
    .orderBy(byId)
    .execute() as Promise<ReplyWalkRow[]>;
}
