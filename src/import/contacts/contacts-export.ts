/** `rapport export vcard|csv`: every contact of the workspace, in name order, written in pages. */
import type { Db } from '../../db/database.js';
import { listContacts } from '../../contacts/contacts.service.js';
import type { Workspace } from '../../workspaces/workspaces.schema.js';
import { listBirthdays } from './contact-import.repo.js';
import { contactsToCsvRows } from './csv-write.js';
import { contactToVcard, type ExportContact } from './vcard-write.js';

export const EXPORT_FORMATS = ['vcard', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Calls `write` with the export text in chunks; returns the number of contacts written. */
export async function exportContacts(db: Db, ws: Workspace, format: ExportFormat, now: number, write: (chunk: string) => void | Promise<void>): Promise<number> {
  const contacts = await listContacts(db.kysely, ws, { sort: 'name' }, now);
  const birthdays = new Map<string, string>();
  for (const b of await listBirthdays(db.kysely, ws.id)) if (b.date && !birthdays.has(b.contact_id)) birthdays.set(b.contact_id, b.date);
  const items: ExportContact[] = contacts.map((c) => ({
    name: c.name,
    emails: c.emails,
    phones: c.phones,
    company: c.company,
    notes: c.notes,
    tags: c.tags,
    kind: c.kind,
    client_since: c.client_since,
    birthday: birthdays.get(c.id) ?? null,
  }));
  if (format === 'csv' && items.length === 0) await write(contactsToCsvRows([], true));
  for (let i = 0; i < items.length; i += 500) {
    const page = items.slice(i, i + 500);
    await write(format === 'vcard' ? page.map(contactToVcard).join('') : contactsToCsvRows(page, i === 0));
  }
  return items.length;
}
