/**
 * Writes contacts as vCard 4.0 (RFC 6350). Hand-written rather than through ical.js because
 * ical.js folds continuation lines at 76 octets (75 after the leading space) where RFC 6350
 * §3.2 asks for at most 75; the format written here is small: FN, N, EMAIL, TEL, ORG, NOTE,
 * BDAY, CATEGORIES.
 */
import { NO_YEAR } from './contact-draft.js';

export interface ExportContact {
  name: string;
  emails: string[];
  phones: string[];
  company: string | null;
  notes: string | null;
  tags: string[];
  kind: string;
  client_since: string | null;
  /** YYYY-MM-DD; year 1604 means "year unknown". */
  birthday: string | null;
}

/** RFC 6350 §3.4: backslash, comma, semicolon and newline are escaped in text values. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line so that no line exceeds 75 octets, never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

function bday(date: string): string {
  const [year, month, day] = date.split('-');
  return Number(year) === NO_YEAR ? `--${month}${day}` : `${year}${month}${day}`;
}

/** One contact as a vCard 4.0 card, CRLF line ends, ending with a line break. */
export function contactToVcard(c: ExportContact): string {
  // N is optional in 4.0 and Rapport keeps one name only: guessing its parts would garble "Mr. … Jr.".
  const lines = ['BEGIN:VCARD', 'VERSION:4.0', `FN:${escapeText(c.name)}`];
  for (const [i, email] of c.emails.entries()) lines.push(i === 0 ? `EMAIL;PREF=1:${escapeText(email)}` : `EMAIL:${escapeText(email)}`);
  for (const phone of c.phones) lines.push(`TEL;VALUE=text:${escapeText(phone)}`);
  if (c.company) lines.push(`ORG:${escapeText(c.company)}`);
  if (c.notes) lines.push(`NOTE:${escapeText(c.notes)}`);
  if (c.birthday) lines.push(`BDAY:${bday(c.birthday)}`);
  if (c.tags.length > 0) lines.push(`CATEGORIES:${c.tags.map(escapeText).join(',')}`);
  lines.push('END:VCARD');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
