/**
 * Writes contacts as CSV (RFC 4180) with csv-stringify. The header names are the fields of
 * `import --map`, so an export imports back without a map. A cell a spreadsheet would run as
 * a formula gets a leading apostrophe (OWASP CSV injection), and so does every line inside a
 * cell: a line break in a quoted cell is a new row to some readers.
 */
import { stringify } from 'csv-stringify/sync';
import type { ExportContact } from './vcard-write.js';

export const CSV_HEADER = ['name', 'email', 'emails', 'phones', 'company', 'tags', 'notes', 'kind', 'client_since', 'birthday'];

const LINE_BREAK = /(\r\n|\r|\n|\u2028|\u2029)/;
/**
 * The start of a line a spreadsheet reads as a formula: = + - @ (or their full-width forms,
 * which some spreadsheets fold to ASCII) after any blanks, or a tab.
 */
const FORMULA_START = /^(?:[^\S\r\n\u2028\u2029]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|\t)/;

export function neutralizeFormula(cell: string): string {
  // Odd parts are the line breaks themselves.
  const lines = cell.split(LINE_BREAK).map((part, i) => (i % 2 === 0 && FORMULA_START.test(part) ? `'${part}` : part));
  const out = lines.join('');
  return LINE_BREAK.test(out.charAt(0)) ? `'${out}` : out;
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
  // csv-stringify quotes a CRLF but not a lone CR or LF: RFC 4180 wants every line break quoted.
  return stringify(withHeader ? [CSV_HEADER, ...rows] : rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}
