/**
 * Writes batches of contact drafts: each batch is one transaction that finds the contacts
 * the drafts match (by any address, case-insensitive; by name when a draft has no address),
 * merges (contact-merge.ts) or creates, and records birthdays as yearly `important_date`
 * facts. Merging is idempotent, so re-running an interrupted import leaves the data of one
 * complete import.
 */
import type { Db } from '../../db/database.js';
import {
  findContactIdsByEmails,
  findOrCreateCompanyId,
  insertContactEmails,
  insertContactRow,
  listContactEmails,
  updateContactRow,
  type ContactRow,
} from '../../contacts/contacts.repo.js';
import type { ContactKind } from '../../contacts/contacts.schema.js';
import { readJson } from '../../shared/json.js';
import { newId, type IdGenerator } from '../../shared/ids.js';
import type { Workspace } from '../../workspaces/workspaces.schema.js';
import { MAX_REPORTED_ERRORS, type ImportSummary } from '../import.types.js';
import type { LocatedDraft } from './contact-draft.js';
import { findContactIdsByNames, findContactIdsWithBirthday, findContactsForMerge, insertBirthdayFacts } from './contact-import.repo.js';
import { mergeDraft, targetFromDraft, type MergeTarget } from './contact-merge.js';

export const CONTACT_BATCH = 200;

export function reportError(summary: ImportSummary, where: string, reason: string): void {
  if (summary.errors.length < MAX_REPORTED_ERRORS) summary.errors.push({ where, reason });
}

interface Snapshot {
  target: MergeTarget;
  emailCount: number;
  json: string;
}

function snapshot(t: MergeTarget): Snapshot {
  return { target: t, emailCount: t.emails.length, json: JSON.stringify([t.name, t.phones, t.tags, t.company, t.notes, t.client_since]) };
}

/** Merges one batch of drafts in one transaction and counts them into `summary`. */
export async function mergeContactBatch(
  db: Db,
  ws: Workspace,
  batch: LocatedDraft[],
  origin: string,
  now: number,
  summary: ImportSummary,
  ids: IdGenerator = newId,
): Promise<void> {
  if (batch.length === 0) return;
  await db.kysely.transaction().execute(async (trx) => {
    const allEmails = [...new Set(batch.flatMap((b) => b.draft.emails))];
    const owner = new Map<string, string>();
    for (let i = 0; i < allEmails.length; i += 500) {
      for (const row of await findContactIdsByEmails(trx, ws.id, allEmails.slice(i, i + 500))) owner.set(row.email, row.contact_id);
    }
    const names = [...new Set(batch.filter((b) => b.draft.emails.length === 0 && b.draft.name).map((b) => b.draft.name!))];
    const byName = new Map<string, string>();
    for (const row of await findContactIdsByNames(trx, ws.id, names)) {
      if (!byName.has(row.name.toLowerCase())) byName.set(row.name.toLowerCase(), row.id);
    }

    const existingIds = [...new Set([...owner.values(), ...byName.values()])];
    const targets = new Map<string, MergeTarget>();
    const rows = await findContactsForMerge(trx, ws.id, existingIds);
    const emails = await listContactEmails(trx, ws.id, existingIds);
    const withBirthday = await findContactIdsWithBirthday(trx, ws.id, existingIds);
    for (const r of rows) {
      targets.set(r.id, {
        id: r.id,
        isNew: false,
        name: r.name,
        emails: emails.filter((e) => e.contact_id === r.id).map((e) => e.email),
        phones: readJson<string[]>(r.phones, []),
        company: r.company_name,
        notes: r.notes,
        tags: readJson<string[]>(r.tags, []),
        kind: r.kind as ContactKind,
        client_since: r.client_since,
        hasBirthday: withBirthday.has(r.id),
        newBirthday: null,
      });
    }
    const before = new Map([...targets.values()].map((t) => [t.id, snapshot(t)]));

    for (const item of batch) {
      const { draft } = item;
      for (const warning of item.warnings) reportError(summary, item.where, warning);
      const matchedId = draft.emails.map((e) => owner.get(e)).find(Boolean) ?? (draft.emails.length === 0 && draft.name ? byName.get(draft.name.toLowerCase()) : undefined);
      const target = matchedId ? targets.get(matchedId) : undefined;
      if (!target) {
        const created = targetFromDraft(ids('ct'), { ...draft, emails: draft.emails.filter((e) => !owner.has(e)) });
        targets.set(created.id, created);
        for (const e of created.emails) owner.set(e, created.id);
        if (draft.emails.length === 0 && draft.name) byName.set(draft.name.toLowerCase(), created.id);
        summary.imported += 1;
        summary.contacts_created += 1;
        continue;
      }
      const changed = mergeDraft(target, draft, (email) => !owner.has(email));
      for (const e of target.emails) owner.set(e, target.id);
      if (changed) summary.imported += 1;
      else summary.duplicates += 1;
    }
    await writeTargets(trx, ws, [...targets.values()], before, origin, now, ids);
  });
}

async function writeTargets(
  trx: Parameters<typeof insertContactRow>[0],
  ws: Workspace,
  targets: MergeTarget[],
  before: Map<string, Snapshot>,
  origin: string,
  now: number,
  ids: IdGenerator,
): Promise<void> {
  const companies = new Map<string, string>();
  const companyId = async (name: string | null) => {
    if (!name) return null;
    const key = name.toLowerCase();
    if (!companies.has(key)) companies.set(key, await findOrCreateCompanyId(trx, ws.id, name, ids('co'), now));
    return companies.get(key)!;
  };
  const facts: { workspace_id: string; id: string; contact_id: string; date: string; origin: string; created_at: number }[] = [];
  for (const t of targets) {
    if (t.newBirthday) facts.push({ workspace_id: ws.id, id: ids('fa'), contact_id: t.id, date: t.newBirthday, origin, created_at: now });
    if (t.isNew) {
      const row: ContactRow = {
        workspace_id: ws.id,
        id: t.id,
        name: t.name,
        kind: t.kind,
        company_id: await companyId(t.company),
        owner_id: null,
        tags: JSON.stringify(t.tags),
        phones: JSON.stringify(t.phones),
        client_since: t.client_since,
        keep_in_touch_days: null,
        notes: t.notes,
        lost: 0,
        first_seen_at: null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await insertContactRow(trx, row);
      await insertContactEmails(trx, ws.id, t.id, t.emails, t.emails[0] ?? null);
      continue;
    }
    const old = before.get(t.id)!;
    if (old.json !== snapshot(t).json) {
      const oldFields = JSON.parse(old.json) as [string, string[], string[], string | null, string | null, number | null];
      await updateContactRow(trx, ws.id, t.id, {
        name: t.name,
        phones: JSON.stringify(t.phones),
        tags: JSON.stringify(t.tags),
        notes: t.notes,
        client_since: t.client_since,
        ...(oldFields[3] !== t.company ? { company_id: await companyId(t.company) } : {}),
        updated_at: now,
      });
    }
    const added = t.emails.slice(old.emailCount);
    // A contact that had no address yet gets its first new one as primary.
    await insertContactEmails(trx, ws.id, t.id, added, old.emailCount === 0 ? (added[0] ?? null) : null);
  }
  await insertBirthdayFacts(trx, facts);
}
