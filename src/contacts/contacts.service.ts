/**
 * Contacts: people, matched by any of their addresses (case-insensitive). Creating a contact
 * whose address is known fails; import and vCard use `upsertContacts`, which merges instead.
 */
import type { Kysely, Transaction } from 'kysely';
import { findMembership } from '../auth/auth.repo.js';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { DAY_MS, toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import {
  findContactIdsByEmails,
  findContactRowById,
  findContactSortKey,
  findOrCreateCompanyId,
  insertContactEmails,
  insertContactRow,
  listContactEmails,
  listContactRows,
  setPrimaryEmail,
  updateContactRow,
  type ContactListRow,
  type ContactRow,
} from './contacts.repo.js';
import {
  ContactInputSchema,
  ContactPatchSchema,
  type Contact,
  type ContactInput,
  type ContactKind,
  type ContactListQuery,
  type ContactPatch,
  type HealthStatus,
} from './contacts.schema.js';
import { computeStage } from './stage.js';

type Db = Kysely<Database> | Transaction<Database>;

export function contactRowToContact(row: ContactListRow, emails: string[], honeymoonDays: number, now: number): Contact {
  const primary = row.primary_email ?? emails[0] ?? null;
  return {
    id: row.id,
    name: row.name,
    email: primary,
    emails: primary ? [primary, ...emails.filter((e) => e !== primary)] : emails,
    phones: readJson<string[]>(row.phones, []),
    company: row.company_name,
    kind: row.kind as ContactKind,
    stage: computeStage(
      { kind: row.kind as ContactKind, lost: row.lost === 1, client_since: row.client_since, first_seen_at: row.first_seen_at, created_at: row.created_at },
      honeymoonDays,
      now,
    ),
    owner_id: row.owner_id,
    tags: readJson<string[]>(row.tags, []),
    client_since: toIsoOrNull(row.client_since),
    keep_in_touch_days: row.keep_in_touch_days,
    notes: row.notes,
    health:
      row.score === null && row.status === null
        ? null
        : { score: row.score, status: row.status as HealthStatus | null, slipping: row.slipping === 1 },
    last_touch_at: toIsoOrNull(row.last_touch_at),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    version: row.version,
  };
}

/** "ada.lovelace@x" → "Ada Lovelace": a readable name when mail or a user gives none. */
export function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  const words = local.split(/[._\-+]+/).filter(Boolean);
  if (words.length === 0) return email;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

async function presentContacts(db: Db, ws: Workspace, rows: ContactListRow[], now: number): Promise<Contact[]> {
  const emails = new Map<string, string[]>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    for (const e of await listContactEmails(db, ws.id, ids)) {
      const list = emails.get(e.contact_id) ?? [];
      list.push(e.email);
      emails.set(e.contact_id, list);
    }
  }
  return rows.map((r) => contactRowToContact(r, emails.get(r.id) ?? [], ws.settings.honeymoon_days, now));
}

/**
 * The id of the contact named by an id or any of its addresses.
 * @throws not_found
 */
export async function resolveContactId(db: Db, ws: Workspace, ref: string): Promise<string> {
  const key = ref.trim();
  if (key.includes('@')) {
    const [found] = await findContactIdsByEmails(db, ws.id, [key.toLowerCase()]);
    if (found) return found.contact_id;
  } else {
    const row = await db.selectFrom('contacts').select('id').where('workspace_id', '=', ws.id).where('id', '=', key).executeTakeFirst();
    if (row) return row.id;
  }
  throw new NotFoundError('contact', key);
}

/**
 * The presented contact named by an id or address.
 * @throws not_found
 */
export async function findContactOrThrow(db: Db, ws: Workspace, ref: string, now: number): Promise<Contact> {
  const id = await resolveContactId(db, ws, ref);
  const row = await findContactRowById(db, ws.id, id);
  if (!row) throw new NotFoundError('contact', ref);
  const [contact] = await presentContacts(db, ws, [row], now);
  return contact!;
}

/**
 * Creates a contact.
 * @throws validation (bad address, kind…), conflict (an address already belongs to a contact).
 */
export async function createContact(db: Kysely<Database>, ws: Workspace, input: ContactInput, now: number, ids: IdGenerator = newId): Promise<Contact> {
  const data = parseOrThrow(ContactInputSchema, input, 'contact');
  if (data.owner_id) await assertMember(db, ws, data.owner_id);
  const emails = [...new Set([data.email, ...(data.emails ?? [])])];
  const id = await db.transaction().execute(async (trx) => {
    const taken = await findContactIdsByEmails(trx, ws.id, emails);
    if (taken.length > 0) throw new ConflictError(`${taken[0]!.email} already belongs to contact ${taken[0]!.contact_id}`);
    const companyId = data.company ? await findOrCreateCompanyId(trx, ws.id, data.company, ids('co'), now) : null;
    const row: ContactRow = {
      workspace_id: ws.id,
      id: ids('ct'),
      name: data.name ?? nameFromEmail(data.email),
      kind: data.kind ?? 'customer',
      company_id: companyId,
      owner_id: data.owner_id ?? null,
      tags: JSON.stringify(data.tags ?? []),
      phones: JSON.stringify(data.phones ?? []),
      client_since: data.client_since ?? null,
      keep_in_touch_days: data.keep_in_touch_days ?? null,
      notes: data.notes ?? null,
      lost: 0,
      first_seen_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await insertContactRow(trx, row);
    await insertContactEmails(trx, ws.id, row.id, emails, data.email);
    return row.id;
  });
  return findContactOrThrow(db, ws, id, now);
}

/**
 * Changes a contact. With `expectedVersion`, a stale edit fails instead of overwriting.
 * @throws not_found, validation, conflict (address taken by another contact, stale version).
 */
export async function editContact(
  db: Kysely<Database>,
  ws: Workspace,
  ref: string,
  patch: ContactPatch,
  now: number,
  expectedVersion?: number,
  ids: IdGenerator = newId,
): Promise<Contact> {
  const data = parseOrThrow(ContactPatchSchema, patch, 'contact');
  const id = await resolveContactId(db, ws, ref);
  if (data.owner_id) await assertMember(db, ws, data.owner_id);
  await db.transaction().execute(async (trx) => {
    const values: Partial<ContactRow> = { updated_at: now };
    if (data.name !== undefined) values.name = data.name;
    if (data.kind !== undefined) values.kind = data.kind;
    if (data.tags !== undefined) values.tags = JSON.stringify(data.tags);
    if (data.phones !== undefined) values.phones = JSON.stringify(data.phones);
    if (data.client_since !== undefined) values.client_since = data.client_since;
    if (data.keep_in_touch_days !== undefined) values.keep_in_touch_days = data.keep_in_touch_days;
    if (data.notes !== undefined) values.notes = data.notes;
    if (data.owner_id !== undefined) values.owner_id = data.owner_id;
    if (data.lost !== undefined) values.lost = data.lost ? 1 : 0;
    if (data.company !== undefined) {
      values.company_id = data.company ? await findOrCreateCompanyId(trx, ws.id, data.company, ids('co'), now) : null;
    }
    const result = await updateContactRow(trx, ws.id, id, values, expectedVersion);
    if (Number(result.numUpdatedRows) === 0) throw new ConflictError(`contact ${id} was changed by someone else (version ${expectedVersion} is stale)`);
    const newEmails = [...new Set([...(data.add_emails ?? []), ...(data.email ? [data.email] : []), ...(data.emails ?? [])])];
    if (newEmails.length > 0) {
      const taken = await findContactIdsByEmails(trx, ws.id, newEmails);
      const other = taken.find((t) => t.contact_id !== id);
      if (other) throw new ConflictError(`${other.email} already belongs to contact ${other.contact_id}`);
      const known = new Set(taken.map((t) => t.email));
      await insertContactEmails(trx, ws.id, id, newEmails.filter((e) => !known.has(e)), null);
    }
    if (data.email) await setPrimaryEmail(trx, ws.id, id, data.email);
  });
  return findContactOrThrow(db, ws, id, now);
}

/** A contact's owner is a member of its workspace: a user id of another workspace or of nobody is refused. */
async function assertMember(db: Db, ws: Workspace, userId: string) {
  if (!(await findMembership(db, ws.id, userId))) {
    throw new ValidationError(`owner_id: ${userId} is not a member of this workspace`, [{ where: 'owner_id', reason: 'not a member of this workspace' }]);
  }
}

function stageClock(ws: Workspace, now: number) {
  return { now, honeymoonMs: ws.settings.honeymoon_days * DAY_MS };
}

/** Contacts filtered and sorted (SPEC §8.1 `contacts`). */
export async function listContacts(db: Db, ws: Workspace, query: ContactListQuery, now: number): Promise<Contact[]> {
  const rows = await listContactRows(db, ws.id, query, stageClock(ws, now));
  return presentContacts(db, ws, rows, now);
}

/**
 * One page of `listContacts`: up to `limit` contacts after the contact `afterId` in the
 * query's order, and whether more follow.
 * @throws validation (the contact the page starts after is gone)
 */
export async function listContactsPage(
  db: Db,
  ws: Workspace,
  query: ContactListQuery,
  page: { limit: number; afterId?: string },
  now: number,
): Promise<{ items: Contact[]; hasMore: boolean }> {
  const clock = stageClock(ws, now);
  let afterKey: unknown[] | undefined;
  if (page.afterId) {
    afterKey = await findContactSortKey(db, ws.id, query.sort ?? 'name', clock, page.afterId);
    if (!afterKey) throw new ValidationError('cursor: the contact it points at is gone; start again without a cursor', [{ where: 'query.cursor', reason: 'stale' }]);
  }
  const rows = await listContactRows(db, ws.id, query, clock, { afterKey, limit: page.limit + 1 });
  const items = await presentContacts(db, ws, rows.slice(0, page.limit), now);
  return { items, hasMore: rows.length > page.limit };
}

export interface PersonRef {
  email: string;
  name?: string | null;
}

/**
 * Finds the contact of each address, creating the missing ones once (SPEC §3.2: matched by
 * any of their addresses). Returns lower-cased address → contact id. Meant to run inside the
 * caller's transaction, in batches.
 */
export async function upsertContacts(
  db: Db,
  ws: Workspace,
  people: PersonRef[],
  now: number,
  options: { kind?: ContactKind; ids?: IdGenerator } = {},
): Promise<{ byEmail: Map<string, string>; created: string[] }> {
  const ids = options.ids ?? newId;
  const wanted = new Map<string, PersonRef>();
  for (const p of people) {
    const email = p.email.trim().toLowerCase();
    if (email && !wanted.has(email)) wanted.set(email, { email, name: p.name?.trim() || wanted.get(email)?.name || null });
  }
  const byEmail = new Map<string, string>();
  const all = [...wanted.keys()];
  for (let i = 0; i < all.length; i += 500) {
    for (const found of await findContactIdsByEmails(db, ws.id, all.slice(i, i + 500))) byEmail.set(found.email, found.contact_id);
  }
  const created: string[] = [];
  const rows: ContactRow[] = [];
  const emailRows: { email: string; contact_id: string }[] = [];
  for (const [email, person] of wanted) {
    if (byEmail.has(email)) continue;
    const row: ContactRow = {
      workspace_id: ws.id,
      id: ids('ct'),
      name: person.name || nameFromEmail(email),
      kind: options.kind ?? 'customer',
      company_id: null,
      owner_id: null,
      tags: '[]',
      phones: '[]',
      client_since: null,
      keep_in_touch_days: null,
      notes: null,
      lost: 0,
      first_seen_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    rows.push(row);
    emailRows.push({ email, contact_id: row.id });
    byEmail.set(email, row.id);
    created.push(row.id);
  }
  for (let i = 0; i < rows.length; i += 200) {
    await db.insertInto('contacts').values(rows.slice(i, i + 200)).execute();
    await db
      .insertInto('contact_emails')
      .values(emailRows.slice(i, i + 200).map((e) => ({ workspace_id: ws.id, email: e.email, contact_id: e.contact_id, is_primary: 1 })))
      .execute();
  }
  return { byEmail, created };
}
