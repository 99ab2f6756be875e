/**
 * Reads one vCard (3.0/4.0 text, 2.1 already rewritten by vcard-lines.ts) into a ContactDraft
 * with ical.js, Mozilla's maintained iCalendar/vCard parser: it handles escaping, structured
 * values (N, ORG), parameter quoting and the differences between versions 3 and 4.
 */
import ICAL from 'ical.js';
import {
  clip,
  cleanEmail,
  cleanNotes,
  emptyDraft,
  makeDate,
  parseBirthday,
  phoneKey,
  pushUnique,
  type ContactDraft,
} from './contact-draft.js';

type Property = InstanceType<typeof ICAL.Property>;

function firstText(value: unknown): string {
  if (Array.isArray(value)) return value.map(firstText).filter(Boolean).join(' ');
  // ical.js unescapes `\;` only in structured values; RFC 6350 allows it in any text value.
  return value === null || value === undefined ? '' : String(value).replace(/\\;/g, ';');
}

/** A text value that writers forgot to comma-escape comes back as several values; rejoin them. */
function allText(prop: Property): string {
  return (prop.getValues() as unknown[]).map(firstText).join(',');
}

function types(prop: Property): string[] {
  const raw = prop.getParameter('type') as string | string[] | undefined;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.flatMap((t) => String(t).split(',')).map((t) => t.trim().toLowerCase());
}

/** Lower is preferred: PREF=1 (v4) or TYPE=pref (v2.1/v3) first, then file order. */
function preference(prop: Property): number {
  const pref = Number(prop.getParameter('pref'));
  if (Number.isFinite(pref) && pref > 0) return pref;
  return types(prop).includes('pref') ? 1 : 101;
}

function nameFromN(prop: Property | null): string | null {
  if (!prop) return null;
  const value = prop.getFirstValue() as unknown;
  const parts = Array.isArray(value) ? value : String(value ?? '').split(';');
  const [family, given, additional, prefix, suffix] = parts.map(firstText);
  return clip([prefix, given, additional, family, suffix].filter(Boolean).join(' '), 200);
}

function birthdayOf(prop: Property | null): string | null {
  if (!prop) return null;
  const value = prop.getFirstValue() as unknown;
  if (value && typeof value === 'object' && 'month' in value && 'day' in value) {
    const t = value as { year?: number | null; month?: number | null; day?: number | null };
    if (!t.month || !t.day) return null;
    return makeDate(t.year ?? null, t.month, t.day);
  }
  return typeof value === 'string' ? parseBirthday(value) : null;
}

/**
 * The draft of one card, plus the parts it had to drop.
 * @throws Error from ical.js when the text is not a vCard; the caller reports it as malformed.
 */
export function readVcard(text: string): { draft: ContactDraft; warnings: string[] } {
  const parsed = ICAL.parse(text);
  const jcard = Array.isArray(parsed[0]) ? (parsed[0] as unknown[]) : parsed;
  const card = new ICAL.Component(jcard as unknown as string);
  const draft = emptyDraft();
  const warnings: string[] = [];

  const fn = card.getFirstProperty('fn');
  draft.name = clip(fn ? allText(fn) : '', 200) ?? nameFromN(card.getFirstProperty('n'));

  const emails = card
    .getAllProperties('email')
    .map((prop, order) => ({ prop, order, pref: preference(prop) }))
    .sort((a, b) => a.pref - b.pref || a.order - b.order);
  for (const { prop } of emails) {
    const raw = firstText(prop.getFirstValue()).trim();
    if (!raw) continue;
    const email = cleanEmail(raw);
    if (email) pushUnique(draft.emails, email);
    else warnings.push(`skipped "${raw.slice(0, 80)}": not a valid email address`);
  }

  for (const prop of card.getAllProperties('tel')) {
    const phone = clip(firstText(prop.getFirstValue()).replace(/^tel:/i, ''), 64);
    pushUnique(draft.phones, phone, phoneKey);
  }

  const org = card.getFirstProperty('org');
  if (org) {
    const value = org.getFirstValue() as unknown;
    draft.company = clip(Array.isArray(value) ? firstText(value[0]) : firstText(value).split(';')[0], 200);
  }

  const notes = card.getAllProperties('note').map((p) => allText(p).trim()).filter(Boolean);
  draft.notes = cleanNotes([...new Set(notes)].join('\n\n'));

  draft.birthday = birthdayOf(card.getFirstProperty('bday'));

  // Exporters that write the address as the name (Roundcube) leave no real name.
  if (draft.name && draft.emails.includes(draft.name.toLowerCase())) draft.name = null;

  for (const prop of card.getAllProperties('categories')) {
    for (const value of prop.getValues() as unknown[]) {
      for (const tag of firstText(value).split(',')) pushUnique(draft.tags, clip(tag, 64));
    }
  }
  return { draft, warnings };
}
