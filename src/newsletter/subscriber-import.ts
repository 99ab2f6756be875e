/**
 * CSV import of subscribers who gave their consent elsewhere: columns email[,name], with or
 * without a header row. Every row is checked before anything is stored: a bad row is reported
 * with its line number and nothing is added, so a fixed file can simply be imported again.
 * Addresses already on the list keep their status (an unsubscribe is never undone by an
 * import); suppressed addresses are left out and named.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { ValidationError, type ErrorDetail } from '../errors.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import type { ImportResult } from './newsletter.schema.js';
import { findContactIdsByEmails, findListEmails, findSuppressedEmails, insertSubscriberRows, type SubscriberRow } from './subscribers.repo.js';
import { findListRowOrThrow } from './subscribers.service.js';

const MAX_ROWS = 100_000;
const isEmail = (text: string) => text.length <= 320 && z.email().safeParse(text).success;

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** The rows of the file as {line, email, name}, or every problem with its line. Pure. */
export function parseSubscriberCsv(text: string, file = 'file'): { line: number; email: string; name: string | null }[] {
  let records: CsvRecord[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as unknown as CsvRecord[];
  } catch (error) {
    const e = error as { lines?: number; message: string };
    throw new ValidationError(`${file}${e.lines ? ` line ${e.lines}` : ''}: not valid CSV: ${e.message}`, [{ where: `${file}:${e.lines ?? 0}`, reason: 'CSV syntax' }]);
  }
  let emailAt = 0;
  let nameAt: number | null = 1;
  const first = records[0]?.record.map((c) => c.toLowerCase());
  if (first && !first.some((c) => c.includes('@')) && first.includes('email')) {
    emailAt = first.indexOf('email');
    nameAt = first.includes('name') ? first.indexOf('name') : null;
    records = records.slice(1);
  }
  if (records.length > MAX_ROWS) throw new ValidationError(`${file}: ${records.length} rows; import at most ${MAX_ROWS} at a time`, [{ where: file, reason: 'too many rows' }]);
  const problems: ErrorDetail[] = [];
  const rows: { line: number; email: string; name: string | null }[] = [];
  for (const { record, info } of records) {
    const email = (record[emailAt] ?? '').toLowerCase();
    const name = nameAt === null ? '' : (record[nameAt] ?? '');
    if (!isEmail(email)) problems.push({ where: `${file}:${info.lines}`, reason: email ? `"${email.slice(0, 80)}" is not an email address` : 'no email address' });
    else if (name.length > 200) problems.push({ where: `${file}:${info.lines}`, reason: 'the name is longer than 200 characters' });
    else rows.push({ line: info.lines, email, name: name || null });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).map((p) => `line ${p.where.split(':').pop()}: ${p.reason}`).join('; ');
    throw new ValidationError(`${file}: ${problems.length} bad row${problems.length === 1 ? '' : 's'}, nothing imported: ${shown}${problems.length > 5 ? '; …' : ''}`, problems);
  }
  return rows;
}

/**
 * Imports subscribers from CSV text into a list, all or nothing.
 * @throws validation (bad rows, with their lines), not_found (list)
 */
export async function importSubscribers(
  db: Db,
  ws: Workspace,
  listRef: string,
  csv: string,
  options: { confirmed: boolean; file?: string },
  now: number,
  ids: IdGenerator = newId,
): Promise<ImportResult> {
  const list = await findListRowOrThrow(db.kysely, ws, listRef);
  const parsed = parseSubscriberCsv(csv, options.file);
  const unique = [...new Map(parsed.map((r) => [r.email, r])).values()];
  const emails = unique.map((r) => r.email);
  const status = options.confirmed ? 'confirmed' : 'unconfirmed';
  return db.kysely.transaction().execute(async (trx) => {
    const [already, suppressed, contacts] = await Promise.all([
      findListEmails(trx, ws.id, list.id, emails),
      findSuppressedEmails(trx, ws.id, emails),
      findContactIdsByEmails(trx, ws.id, emails),
    ]);
    const fresh: SubscriberRow[] = unique
      .filter((r) => !already.has(r.email) && !suppressed.has(r.email))
      .map((r) => ({
        workspace_id: ws.id,
        id: ids('ns'),
        list_id: list.id,
        email: r.email,
        name: r.name,
        contact_id: contacts.get(r.email) ?? null,
        status,
        source: 'import',
        confirm_token_hash: null,
        consent_ip: null,
        soft_bounces: 0,
        created_at: now,
        confirmed_at: options.confirmed ? now : null,
        unsubscribed_at: null,
        status_changed_at: now,
      }));
    for (let i = 0; i < fresh.length; i += 500) await insertSubscriberRows(trx, fresh.slice(i, i + 500));
    return { list_id: list.id, added: fresh.length, already: already.size, suppressed: [...suppressed].sort(), status };
  });
}
