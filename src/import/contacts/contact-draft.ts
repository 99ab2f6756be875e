/**
 * A contact as read from a vCard or a CSV row, before it is merged into the workspace. The
 * readers produce drafts; contact-merge.ts decides what a draft changes. Pure helpers only.
 */
import { CONTACT_KINDS, Email, type ContactKind } from '../../contacts/contacts.schema.js';

export interface ContactDraft {
  name: string | null;
  /** Lower-cased valid addresses, the preferred one first. */
  emails: string[];
  phones: string[];
  company: string | null;
  notes: string | null;
  tags: string[];
  kind: ContactKind | null;
  /** epoch ms */
  client_since: number | null;
  /** YYYY-MM-DD; a birthday without a year uses the year 1604, as Apple Contacts does. */
  birthday: string | null;
}

/** A draft plus where it came from, for error messages ("file.vcf card 3", "file.csv:12"). */
export interface LocatedDraft {
  draft: ContactDraft;
  where: string;
  /** Parts of the record that were dropped (an invalid address…), reported without failing it. */
  warnings: string[];
}

export const NO_YEAR = 1604;

export function emptyDraft(): ContactDraft {
  return { name: null, emails: [], phones: [], company: null, notes: null, tags: [], kind: null, client_since: null, birthday: null };
}

/** The lower-cased address, or null when it is not a valid one. Strips `mailto:` and <…>. */
export function cleanEmail(raw: string): string | null {
  const text = raw.trim().replace(/^mailto:/i, '').replace(/^<(.*)>$/, '$1').trim();
  if (!text) return null;
  const parsed = Email.safeParse(text);
  return parsed.success ? parsed.data : null;
}

/** Limits of ContactInputSchema, applied so that an imported value is always a valid one. */
export function clip(text: string | null | undefined, max: number): string | null {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, max) : null;
}

export function cleanNotes(text: string | null | undefined): string | null {
  const t = (text ?? '').replace(/\r\n?/g, '\n').trim();
  return t ? t.slice(0, 20_000) : null;
}

/** Phones are compared by their digits (and a leading +), so "(905) 555-1234" equals "905-555-1234". */
export function phoneKey(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  return digits ? (trimmed.startsWith('+') ? '+' : '') + digits : trimmed.toLowerCase();
}

export function pushUnique(list: string[], value: string | null, key: (v: string) => string = (v) => v.toLowerCase()): void {
  if (!value) return;
  const k = key(value);
  if (!list.some((v) => key(v) === k)) list.push(value);
}

export function parseKind(text: string): ContactKind | null {
  const k = text.trim().toLowerCase();
  return (CONTACT_KINDS as readonly string[]).includes(k) ? (k as ContactKind) : null;
}

/** YYYY-MM-DD from parts, or null when they do not make a real date. `year` null → NO_YEAR. */
export function makeDate(year: number | null, month: number, day: number): string | null {
  const y = year ?? NO_YEAR;
  if (!Number.isInteger(y) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (y < 1000 || y > 9999 || month < 1 || month > 12 || day < 1) return null;
  const d = new Date(Date.UTC(y, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(y).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Reads the birthday formats found in contact exports: ISO (1975-12-12, 19800322,
 * 2019-02-10T00:00:33), no-year (--12-12, --1212) and slashed or dotted dates. A dotted date is
 * day first (20.01.1991); a slashed one too when the first number cannot be a month
 * (20/01/1991), else month first as US Outlook writes it (3/4/1990 is March 4).
 */
export function parseBirthday(text: string): string | null {
  const t = text.trim();
  let m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$/.exec(t);
  if (m) return makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^--(\d{2})-?(\d{2})$/.exec(t);
  if (m) return makeDate(null, Number(m[1]), Number(m[2]));
  m = /^(\d{1,2})([/.])(\d{1,2})[/.](\d{4})$/.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const dayFirst = m[2] === '.' || a > 12;
    return dayFirst ? makeDate(Number(m[4]), b, a) : makeDate(Number(m[4]), a, b);
  }
  return null;
}
