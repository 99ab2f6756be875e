/**
 * iCalendar import, dispatched to by `rapport import` for .ics/.ical files: each past
 * occurrence of a VEVENT with someone other than the workspace becomes a `meeting`
 * interaction (direction `out` unless a non-own organizer invited the workspace) with those
 * people as participants, created as contacts when new. Cancelled events, events the
 * workspace declined and events without a counterpart are read but not imported.
 * The file is read whole (ical.js parses a calendar at once, time zones first); the writes
 * are batched transactions, and identities make a re-run after an interruption idempotent.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { lowerFirstSeen } from '../../contacts/contacts.repo.js';
import { upsertContacts } from '../../contacts/contacts.service.js';
import type { Db } from '../../db/database.js';
import { ValidationError } from '../../errors.js';
import { insertInteractionRows, type InteractionRow } from '../../interactions/interactions.repo.js';
import { excerptOf } from '../../interactions/interactions.service.js';
import { newId } from '../../shared/ids.js';
import { makeIsOwn } from '../../workspaces/own-addresses.js';
import type { Workspace } from '../../workspaces/workspaces.schema.js';
import { emptySummary, MAX_REPORTED_ERRORS, type ImportProgress, type ImportSummary } from '../import.types.js';
import { readCalendar, type MeetingOccurrence } from './ics-read.js';

const MAX_FILE_BYTES = 100 * 1024 * 1024;
const BATCH = 200;

async function readCalendarFile(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' });
    if (info.size > MAX_FILE_BYTES) throw new ValidationError(`${path}: ${info.size} bytes is more than the ${MAX_FILE_BYTES} an iCalendar import reads`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const e = error as NodeJS.ErrnoException;
    throw new ValidationError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
  }
}

/**
 * Imports the meetings of an iCalendar file.
 * @throws validation when the file cannot be read.
 */
export async function importIcsFile(
  db: Db,
  ws: Workspace,
  path: string,
  _options: { map?: Record<string, string> },
  now: number,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportSummary> {
  const started = performance.now();
  const file = basename(path);
  const text = await readCalendarFile(path);
  const calendar = readCalendar(text, file, { now, zone: ws.settings.time_zone, isOwn: makeIsOwn(ws.settings) });
  const summary = emptySummary();
  summary.read = calendar.read + calendar.malformed.length;
  summary.malformed = calendar.malformed.length;
  summary.errors = [...calendar.malformed, ...calendar.notes].slice(0, MAX_REPORTED_ERRORS);
  for (let i = 0; i < calendar.occurrences.length; i += BATCH) {
    await writeMeetings(db, ws, calendar.occurrences.slice(i, i + BATCH), `file:${file}`, now, summary);
    onProgress?.({ done: Math.min(i + BATCH, calendar.occurrences.length), total: calendar.occurrences.length, unit: 'records' });
  }
  return { ...summary, seconds: (performance.now() - started) / 1000 };
}

async function writeMeetings(db: Db, ws: Workspace, batch: MeetingOccurrence[], source: string, now: number, summary: ImportSummary) {
  await db.kysely.transaction().execute(async (trx) => {
    const known = new Set(
      (
        await trx
          .selectFrom('interactions')
          .select('identity')
          .where('workspace_id', '=', ws.id)
          .where('identity', 'in', batch.map((m) => m.identity))
          .execute()
      ).map((r) => r.identity),
    );
    const fresh: MeetingOccurrence[] = [];
    for (const m of batch) {
      if (known.has(m.identity)) summary.duplicates += 1;
      else {
        known.add(m.identity);
        fresh.push(m);
      }
    }
    if (fresh.length === 0) return;
    const { byEmail, created } = await upsertContacts(trx, ws, fresh.flatMap((m) => m.people.map((p) => p.person)), now);
    summary.contacts_created += created.length;
    const rows: InteractionRow[] = [];
    const participants: { workspace_id: string; interaction_id: string; contact_id: string; role: string }[] = [];
    const earliest = new Map<string, number>();
    for (const m of fresh) {
      const id = newId('ix');
      rows.push({
        workspace_id: ws.id,
        id,
        identity: m.identity,
        kind: 'meeting',
        direction: m.direction,
        occurred_at: m.at,
        date_inferred: 0,
        subject: m.subject?.slice(0, 1000) ?? null,
        subject_key: null,
        excerpt: excerptOf(m.description),
        body: m.description?.slice(0, 100_000) ?? null,
        word_count: m.description ? m.description.split(/\s+/).filter(Boolean).length : 0,
        is_closer: 0,
        sentiment: null,
        automated: 0,
        source,
        from_address: m.organizer?.email ?? null,
        message_id: null,
        in_reply_to: null,
        refs: '[]',
        thread_id: null,
        attachments: '[]',
        created_by: null,
        created_at: now,
      });
      for (const p of m.people) {
        const contactId = byEmail.get(p.person.email)!;
        participants.push({ workspace_id: ws.id, interaction_id: id, contact_id: contactId, role: p.role });
        earliest.set(contactId, Math.min(earliest.get(contactId) ?? m.at, m.at));
      }
    }
    await insertInteractionRows(trx, rows, participants, []);
    const byTime = new Map<number, string[]>();
    for (const [contactId, at] of earliest) byTime.set(at, [...(byTime.get(at) ?? []), contactId]);
    for (const [at, ids] of byTime) await lowerFirstSeen(trx, ws.id, ids, at);
    summary.imported += fresh.length;
  });
}
