/**
 * Every query of the mail import: progress rows, and the batch writes as a MailStore, here for
 * PostgreSQL (SQLite: mail-import.sqlite.ts). On PostgreSQL keys and rows travel as one array
 * parameter per column (`= any($n)`, `unnest`): a batch is a few statements whatever its size,
 * where multi-row VALUES lists cost a parse and plan of thousands of parameters per chunk.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ImportsTable, ThreadSubjectKeysTable } from '../import.table.js';
import type { InteractionRow } from '../../interactions/interactions.repo.js';
import type { InteractionBehaviorsTable, InteractionContactsTable, InteractionRefsTable } from '../../interactions/interactions.table.js';
import { nameFromEmail, type PersonRef } from '../../contacts/contacts.service.js';
import type { IdGenerator } from '../../shared/ids.js';
import { postgresThreadStore, type ThreadStore } from './threading.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

export function findImportRow(db: Db, workspaceId: string, path: string) {
  return db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).where('path', '=', path).executeTakeFirst();
}

export async function upsertImportRow(db: Db, row: ImportsTable) {
  await db
    .insertInto('imports')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'path']).doUpdateSet({
        format: row.format,
        fingerprint: row.fingerprint,
        position: row.position,
        batches: row.batches,
        status: row.status,
        stats: row.stats,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function saveImportProgress(
  db: Db,
  workspaceId: string,
  id: string,
  values: { position: number; stats: string; status: string; updated_at: number },
) {
  await db
    .updateTable('imports')
    .set((eb) => ({ ...values, batches: eb('batches', '+', 1) }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function listKnowledgeUrls(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('knowledge_items')
    .select('url')
    .where('workspace_id', '=', workspaceId)
    .where('url', 'is not', null)
    .execute();
  return rows.map((r) => r.url!).filter(Boolean);
}

export interface MailRows {
  interactions: InteractionRow[];
  participants: InteractionContactsTable[];
  refs: InteractionRefsTable[];
  tags: InteractionBehaviorsTable[];
  subjectKeys: ThreadSubjectKeysTable[];
}

export type PgType = 'text' | 'int4' | 'int8' | 'float8';

/** One INSERT of all the rows, a column per array parameter. `columns` names every column of the row type. */
async function insertUnnest<R>(db: Db, table: string, columns: { [K in keyof R]-?: PgType }, rows: R[]) {
  if (rows.length === 0) return;
  const names = Object.keys(columns) as (keyof R & string)[];
  const arrays = names.map((c) => sql`${rows.map((r) => r[c])}::${sql.raw(columns[c])}[]`);
  await sql`insert into ${sql.table(table)} (${sql.join(names.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(db);
}

/** Every column of an interaction row (the type makes the compiler check the list), with its PostgreSQL type. */
export const INTERACTION_COLUMNS: { [K in keyof InteractionRow]-?: PgType } = {
  workspace_id: 'text',
  id: 'text',
  identity: 'text',
  kind: 'text',
  direction: 'text',
  occurred_at: 'int8',
  date_inferred: 'int4',
  subject: 'text',
  subject_key: 'text',
  excerpt: 'text',
  body: 'text',
  word_count: 'int4',
  is_closer: 'int4',
  sentiment: 'float8',
  automated: 'int4',
  source: 'text',
  from_address: 'text',
  message_id: 'text',
  in_reply_to: 'text',
  refs: 'text',
  thread_id: 'text',
  attachments: 'text',
  addresses: 'text',
  created_by: 'text',
  created_at: 'int8',
};

/**
 * The contacts a batch asks for (SPEC §3.2): one per lower-cased address, named by the first
 * occurrence (its display name, else one made from the address), as upsertContacts does.
 */
export function wantedContacts(people: PersonRef[]): Map<string, string> {
  const names = new Map<string, string | null>();
  for (const p of people) {
    const email = p.email.trim().toLowerCase();
    if (email && !names.has(email)) names.set(email, p.name?.trim() || null);
  }
  return new Map([...names].map(([email, name]) => [email, name || nameFromEmail(email)]));
}

/** Distinct threads of the messages whose source starts with `prefix`. */
export async function countThreadsOfSource(db: Db, workspaceId: string, source: string, isFolder: boolean): Promise<number> {
  let q = db
    .selectFrom('interactions')
    .select((eb) => eb.fn.count<number>('thread_id').distinct().as('n'))
    .where('workspace_id', '=', workspaceId);
  q = isFolder
    ? q.where((eb) => eb(eb.fn('substr', ['source', eb.val(1), eb.val(source.length)]), '=', source))
    : q.where('source', '=', source);
  const row = await q.executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The writes of one batch (and the identity look-ups), inside the caller's transaction. */
export interface MailStore {
  findKnownIdentities(identities: string[]): Promise<Set<string>>;
  /** Address → contact id, creating the missing contacts (wantedContacts). */
  upsertContacts(people: PersonRef[], now: number, ids: IdGenerator): Promise<{ byEmail: Map<string, string>; created: string[] }>;
  insertRows(rows: MailRows): Promise<void>;
  /** Moves first_seen_at earlier (never later). */
  lowerFirstSeen(at: Map<string, number>): Promise<void>;
  threads: ThreadStore;
}

export function postgresMailStore(db: Db, ws: string): MailStore {
  return {
    async findKnownIdentities(identities) {
      if (identities.length === 0) return new Set();
      const { rows } = await sql<{ identity: string }>`select identity from interactions where workspace_id = ${ws} and identity = any(${identities}::text[])`.execute(db);
      return new Set(rows.map((r) => r.identity));
    },
    async upsertContacts(people, now, ids) {
      const wanted = wantedContacts(people);
      const byEmail = new Map<string, string>();
      if (wanted.size === 0) return { byEmail, created: [] };
      const { rows } = await sql<{ email: string; contact_id: string }>`select email, contact_id from contact_emails where workspace_id = ${ws} and email = any(${[...wanted.keys()]}::text[])`.execute(db);
      for (const r of rows) byEmail.set(r.email, r.contact_id);
      const created: { id: string; email: string; name: string }[] = [];
      for (const [email, name] of wanted) {
        if (byEmail.has(email)) continue;
        const id = ids('ct');
        byEmail.set(email, id);
        created.push({ id, email, name });
      }
      if (created.length > 0) {
        await sql`insert into contacts (workspace_id, id, name, kind, tags, phones, lost, version, created_at, updated_at)
          select ${ws}, id, name, 'customer', '[]', '[]', 0, 1, ${now}, ${now} from unnest(${created.map((c) => c.id)}::text[], ${created.map((c) => c.name)}::text[]) as c (id, name)`.execute(db);
        await sql`insert into contact_emails (workspace_id, email, contact_id, is_primary)
          select ${ws}, email, id, 1 from unnest(${created.map((c) => c.email)}::text[], ${created.map((c) => c.id)}::text[]) as c (email, id)`.execute(db);
      }
      return { byEmail, created: created.map((c) => c.id) };
    },
    async insertRows(rows) {
      await insertUnnest(db, 'interactions', INTERACTION_COLUMNS, rows.interactions);
      await insertUnnest(db, 'interaction_contacts', { workspace_id: 'text', interaction_id: 'text', contact_id: 'text', role: 'text' }, rows.participants);
      await insertUnnest(db, 'interaction_refs', { workspace_id: 'text', ref_message_id: 'text', interaction_id: 'text' }, rows.refs);
      await insertUnnest(db, 'interaction_behaviors', { workspace_id: 'text', interaction_id: 'text', behavior: 'text', origin: 'text' }, rows.tags);
      await insertUnnest(
        db,
        'thread_subject_keys',
        { workspace_id: 'text', subject_key: 'text', counterpart: 'text', occurred_at: 'int8', interaction_id: 'text' },
        rows.subjectKeys,
      );
    },
    async lowerFirstSeen(at) {
      if (at.size === 0) return;
      await sql`update contacts c set first_seen_at = f.at
        from unnest(${[...at.keys()]}::text[], ${[...at.values()]}::int8[]) as f (id, at)
        where c.workspace_id = ${ws} and c.id = f.id and (c.first_seen_at is null or c.first_seen_at > f.at)`.execute(db);
    },
    threads: postgresThreadStore(db, ws),
  };
}
