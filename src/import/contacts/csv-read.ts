/**
 * Maps CSV rows to contact drafts. The columns are recognised from the headers of Google
 * Contacts, Outlook, Thunderbird and Roundcube exports and of Rapport's own export; `map`
 * (`--map field=column`) names the column of a field explicitly and wins over recognition.
 */
import { ValidationError } from '../../errors.js';
import { parseInstant } from '../../shared/time.js';
import {
  clip,
  cleanEmail,
  cleanNotes,
  emptyDraft,
  makeDate,
  parseBirthday,
  parseKind,
  phoneKey,
  pushUnique,
  type ContactDraft,
} from './contact-draft.js';

export const MAP_FIELDS = ['name', 'email', 'emails', 'phone', 'company', 'tags', 'notes', 'kind', 'client_since', 'birthday'] as const;
export type MapField = (typeof MAP_FIELDS)[number];

const key = (header: string) => header.replace(/^\uFEFF/, '').toLowerCase().replace(/[^a-z0-9]/g, '');

interface Columns {
  name: number[];
  given: number[];
  middle: number[];
  family: number[];
  prefix: number[];
  suffix: number[];
  emails: number[];
  /** Gmail "E-mail N - Type" column of each email column: "* Home" marks the primary address. */
  emailTypes: Map<number, number>;
  phones: number[];
  company: number[];
  notes: number[];
  tags: number[];
  kind: number[];
  client_since: number[];
  birthday: number[];
  birthParts: { year: number; month: number; day: number } | null;
}

function detect(headers: string[]): Columns {
  const keys = headers.map(key);
  const find = (...names: string[]) => keys.flatMap((k, i) => (names.includes(k) ? [i] : []));
  const matching = (test: (k: string) => boolean) => keys.flatMap((k, i) => (test(k) ? [i] : []));
  const isTypeOrLabel = (k: string) => /(type|display|label|kind)$/.test(k) || k.includes('displayname');
  const emails = matching((k) => /e?mail/.test(k) && !isTypeOrLabel(k) && !/^(im|screen)/.test(k));
  const emailTypes = new Map<number, number>();
  for (const i of emails) {
    const m = /^email(\d+)value$/.exec(keys[i]!);
    const t = m ? keys.indexOf(`email${m[1]}type`) : -1;
    if (t >= 0) emailTypes.set(i, t);
  }
  const year = keys.indexOf('birthyear');
  const month = keys.indexOf('birthmonth');
  const day = keys.indexOf('birthday');
  const birthParts = year >= 0 && month >= 0 && day >= 0 ? { year, month, day } : null;
  return {
    name: find('name', 'displayname', 'fullname', 'contactname'),
    given: find('firstname', 'givenname'),
    middle: find('middlename', 'additionalname'),
    family: find('lastname', 'familyname', 'surname'),
    prefix: find('nameprefix', 'title', 'prefix'),
    suffix: find('namesuffix', 'suffix'),
    emails,
    emailTypes,
    phones: matching((k) => /(phone|mobile|fax|pager|^tel)/.test(k) && !isTypeOrLabel(k)),
    company: find('company', 'companyname', 'organization', 'organisation', 'organization1name', 'org'),
    notes: find('notes', 'note'),
    tags: find('tags', 'categories', 'groupmembership', 'labels', 'groups'),
    kind: find('kind'),
    client_since: find('clientsince'),
    birthday: birthParts ? [] : find('birthday', 'birthdate', 'bday', 'dateofbirth'),
    birthParts,
  };
}

function applyMap(columns: Columns, headers: string[], map: Record<string, string>): Columns {
  const result = { ...columns };
  const mapped = new Set<string>();
  for (const [field, column] of Object.entries(map)) {
    if (!(MAP_FIELDS as readonly string[]).includes(field)) {
      throw new ValidationError(`--map ${field}=${column}: unknown field "${field}"; fields are ${MAP_FIELDS.join(', ')}`);
    }
    const index = headers.findIndex((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase() === column.trim().toLowerCase());
    if (index < 0) {
      throw new ValidationError(`--map ${field}=${column}: the file has no column "${column}"; its columns are ${headers.map((h) => `"${h.trim()}"`).join(', ')}`);
    }
    const target = field === 'email' || field === 'emails' ? 'emails' : field === 'phone' ? 'phones' : (field as keyof Columns);
    if (!mapped.has(target)) (result as Record<string, unknown>)[target] = [];
    mapped.add(target);
    ((result as Record<string, unknown>)[target] as number[]).push(index);
    if (field === 'name') Object.assign(result, { given: [], middle: [], family: [], prefix: [], suffix: [] });
    if (field === 'birthday') result.birthParts = null;
  }
  if (mapped.has('emails')) result.emailTypes = new Map();
  return result;
}

/**
 * A row mapper for the given header row.
 * @throws validation when `map` names an unknown field or a column the file does not have.
 */
export function makeCsvMapper(headers: string[], map: Record<string, string> = {}, zone = 'UTC') {
  const columns = applyMap(detect(headers), headers, map);
  const hasSource = columns.name.length + columns.given.length + columns.family.length + columns.emails.length > 0;
  if (!hasSource) {
    throw new ValidationError(
      `no name or email column recognised among ${headers.map((h) => `"${h.trim()}"`).join(', ')}; name them with --map name=COLUMN --map email=COLUMN`,
    );
  }
  return (row: string[]): { draft: ContactDraft; warnings: string[] } => {
    // Undo the apostrophe that formula protection (ours, or a spreadsheet's) put before = + - @.
    const cell = (i: number) => (row[i] ?? '').trim().replace(/^'(?=[=+\-@])/, '');
    const first = (list: number[]) => list.map(cell).find(Boolean) ?? '';
    const draft = emptyDraft();
    const warnings: string[] = [];

    const composed = [columns.prefix, columns.given, columns.middle, columns.family, columns.suffix].map(first).filter(Boolean).join(' ');
    draft.name = clip(first(columns.name) || composed, 200);

    const primary: string[] = [];
    const others: string[] = [];
    for (const i of columns.emails) {
      const type = columns.emailTypes.has(i) ? cell(columns.emailTypes.get(i)!) : '';
      for (const raw of cell(i).split(/ ::: |[;,\s]+/)) {
        if (!raw) continue;
        const email = cleanEmail(raw);
        if (!email) warnings.push(`skipped "${raw.slice(0, 80)}": not a valid email address`);
        else pushUnique(type.startsWith('*') ? primary : others, email);
      }
    }
    for (const e of [...primary, ...others]) pushUnique(draft.emails, e);
    if (draft.name && draft.emails.includes(draft.name.toLowerCase())) draft.name = null;

    for (const i of columns.phones) {
      for (const p of cell(i).split(/ ::: |; /)) pushUnique(draft.phones, clip(p, 64), phoneKey);
    }
    draft.company = clip(first(columns.company), 200);
    draft.notes = cleanNotes(columns.notes.map(cell).filter(Boolean).join('\n\n'));
    for (const i of columns.tags) {
      for (const t of cell(i).split(/ ::: |[;,]/)) pushUnique(draft.tags, clip(t.replace(/^\*\s*/, ''), 64));
    }

    const kind = first(columns.kind);
    if (kind) {
      draft.kind = parseKind(kind);
      if (!draft.kind) warnings.push(`kind "${kind}" ignored: expected customer, prospect or personal`);
    }
    const since = first(columns.client_since);
    if (since) {
      try {
        draft.client_since = parseInstant(since, 'client_since', zone);
      } catch {
        warnings.push(`client_since "${since}" ignored: not an ISO 8601 date`);
      }
    }
    if (columns.birthParts) {
      const { year, month, day } = columns.birthParts;
      if (cell(month) && cell(day)) draft.birthday = makeDate(cell(year) ? Number(cell(year)) : null, Number(cell(month)), Number(cell(day)));
    } else {
      const text = first(columns.birthday);
      if (text) {
        draft.birthday = parseBirthday(text);
        if (!draft.birthday) warnings.push(`birthday "${text}" ignored: not a date`);
      }
    }
    return { draft, warnings };
  };
}
