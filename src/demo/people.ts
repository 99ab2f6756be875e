/**
 * Who the demo contacts are: names, unique addresses, companies, personas and what is known
 * about them (facts, commitments). Drawn from seeded streams only, in a fixed order.
 */
import { DAY_MS } from '../shared/time.js';
import { atLondonHour, wholeSeconds } from './clock.js';
import * as D from './demo.data.js';
import { FIRST_PERSONAS, PERSONA_SPECS, PERSONA_WEIGHTS, type Persona } from './personas.js';
import { Random } from './random.js';

export interface Company {
  index: number;
  name: string;
  domain: string;
}

export interface Person {
  persona: Persona;
  first: string;
  name: string;
  email: string;
  domain: string;
  company: Company | null;
  start: number;
  interests: string[];
  birthday: { date: string; month: number; day: number } | null;
}

/** "Siobhán" → "siobhan", "O'Brien" → "obrien", "Van Dijk" → "vandijk"; ø and ß have no decomposition. */
function asciiWord(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** Companies for `contacts` people: a few contacts each, every name and domain unique. */
export function planCompanies(seed: number, contacts: number): Company[] {
  const rng = new Random((seed ^ 0x5bd1e995) >>> 0);
  const count = Math.max(3, Math.ceil(contacts / 4));
  const seen = new Set<string>();
  const companies: Company[] = [];
  for (let index = 0; index < count; index++) {
    let name = `${rng.pick(D.COMPANY_WORDS)} ${rng.pick(D.COMPANY_KINDS)}`;
    for (let n = 2; seen.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
    seen.add(name);
    companies.push({ index, name, domain: `${name.toLowerCase().replace(/ /g, '-')}.example` });
  }
  return companies;
}

export class PeoplePlanner {
  private readonly emails = new Set<string>();

  constructor(
    private readonly companies: readonly Company[],
    private readonly now: number,
  ) {}

  /** The contact with number `index`; call in increasing order (addresses are made unique in that order). */
  plan(index: number, rng: Random): Person {
    const persona = index < FIRST_PERSONAS.length ? FIRST_PERSONAS[index]! : rng.weighted(PERSONA_WEIGHTS);
    const spec = PERSONA_SPECS[persona];
    const first = rng.pick(D.FIRST_NAMES);
    const last = rng.pick(D.LAST_NAMES);
    const company = spec.kind === 'personal' ? null : rng.pick(this.companies);
    const domain = company ? company.domain : rng.pick(D.PERSONAL_DOMAINS);
    const local = `${asciiWord(first)}.${asciiWord(last)}`;
    let email = `${local}@${domain}`;
    for (let n = 2; this.emails.has(email); n++) email = `${local}${n}@${domain}`;
    this.emails.add(email);
    const start = wholeSeconds(this.now - rng.int(spec.startDays[0], spec.startDays[1]) * DAY_MS - rng.int(0, 86_399) * 1000);
    const interests: string[] = rng.sample(D.INTERESTS, rng.int(1, 2));
    if (spec.kind === 'customer' && rng.chance(0.5)) interests.push(rng.pick(D.BUSINESS_TOPICS));
    return { persona, first, name: `${first} ${last}`, email, domain, company, start, interests, birthday: this.birthday(index, persona, rng) };
  }

  /** Every friend has a birthday on file, a third of the others; some fall in the next two weeks. */
  private birthday(index: number, persona: Persona, rng: Random): Person['birthday'] {
    const soon = index % 25 === 3 || rng.chance(0.03);
    if (!soon && !(persona === 'personal' || rng.chance(0.35))) return null;
    const day = soon ? new Date(this.now + rng.int(1, 13) * DAY_MS) : new Date(Date.UTC(2001, 0, 1) + rng.int(0, 364) * DAY_MS);
    const month = day.getUTCMonth() + 1;
    const dom = day.getUTCDate();
    const year = rng.int(1955, 2000);
    return { date: `${year}-${String(month).padStart(2, '0')}-${String(dom).padStart(2, '0')}`, month, day: dom };
  }
}

export interface FactDraft {
  kind: string;
  text: string;
  date: string | null;
  yearly: boolean;
}

export interface CommitmentDraft {
  text: string;
  due: number;
  done: number | null;
  created: number;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** What is known about a person: interests, preferences, dates, gift ideas, family, achievements. */
export function planFacts(index: number, person: Person, achievements: number[], now: number, rng: Random): FactDraft[] {
  const facts: FactDraft[] = person.interests.map((text) => ({ kind: 'interest', text, date: null, yearly: false }));
  const personal = person.persona === 'personal';
  if (rng.chance(0.4)) facts.push({ kind: 'preference', text: rng.pick(D.PREFERENCES), date: null, yearly: false });
  if (person.birthday) facts.push({ kind: 'important_date', text: 'Birthday', date: person.birthday.date, yearly: true });
  if (rng.chance(personal ? 0.7 : 0.2)) facts.push({ kind: 'gift_idea', text: rng.pick(D.GIFT_IDEAS), date: null, yearly: false });
  if (rng.chance(personal ? 0.5 : 0.12)) facts.push({ kind: 'family', text: rng.pick(D.FAMILY), date: null, yearly: false });
  const dates = [...achievements];
  if (index % 25 === 1 || rng.chance(0.02)) dates.push(now - rng.int(1, 10) * DAY_MS);
  for (const at of dates) facts.push({ kind: 'achievement', text: rng.pick(D.ACHIEVEMENTS), date: isoDay(at), yearly: false });
  return facts;
}

/** Promises made to customers: some kept, some due tomorrow, some overdue. */
export function planCommitments(index: number, person: Person, now: number, rng: Random): CommitmentDraft[] {
  if (PERSONA_SPECS[person.persona].kind !== 'customer') return [];
  const out: CommitmentDraft[] = [];
  if (rng.chance(0.25)) {
    const due = atLondonHour(person.start + rng.int(10, 60) * DAY_MS, 17);
    if (due < now) out.push({ text: rng.pick(D.COMMITMENTS), due, done: due - rng.int(2, 48) * 3_600_000, created: due - 7 * DAY_MS });
  }
  let due: number | null = null;
  if (index % 25 === 2) due = atLondonHour(now + DAY_MS, 9);
  else if (index % 25 === 4) due = atLondonHour(now - 2 * DAY_MS, 17);
  else if (rng.chance(0.1)) due = atLondonHour(now + rng.int(-5, 10) * DAY_MS, rng.pick([9, 12, 17]));
  if (due !== null) out.push({ text: rng.pick(D.COMMITMENTS), due: wholeSeconds(due), done: null, created: Math.min(now, due) - 5 * DAY_MS });
  return out;
}
