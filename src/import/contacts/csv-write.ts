/**
 * Writes contacts as CSV with csv-stringify. The header names are the fields of
 * `import --map`, so an export imports back without a map. Cells a spreadsheet would run as
 * a formula (starting with = + - @, tab or CR) get a leading apostrophe (OWASP CSV injection).
 */
import { stringify } from 'csv-stringify/sync';
import type { ExportContact } from './vcard-write.js';

export const CSV_HEADER = ['name', 'email', 'emails', 'phones', 'company', 'tags', 'notes', 'kind', 'client_since', 'birthday'];

export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function contactsToCsvRows(contacts: ExportContact[], withHeader: boolean): string {
  const rows = contacts.map((c) =>
    [
      c.name,
      c.emails[0] ?? '',
      c.emails.slice(1).join('; '),
      c.phones.join('; '),
      c.company ?? '',
      c.tags.join('; '),
      c.notes ?? '',
      c.kind,
      c.client_since ?? '',
      c.birthday ?? '',
    ].map(neutralizeFormula),
  );
  return stringify(withHeader ? [CSV_HEADER, ...rows] : rows, { record_delimiter: 'windows' });
}
