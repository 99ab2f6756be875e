import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listContacts } from '../contacts/contacts.service.js';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { computeSelected, toolsFor } from '../health/health.batch.js';
import { pastSnapshotInstants } from '../health/health.history.js';
import { listOpenWaits } from '../health/health.service.js';
import { getHealthHistory, getStatusSeries } from '../reports/reports.service.js';
import { DAY_MS } from '../shared/time.js';
import { isWholeRunDue } from '../suggestions/suggestions.service.js';
import { normalizeSubject } from '../text/index.js';
import { generateDemo } from './demo.service.js';
import { demoShift } from './shift.js';

const NOW = Date.parse('2025-06-02T11:30:00Z');

async function fingerprint(db: Db, seed: number, contacts: number, slug?: string) {
  const result = await generateDemo(db, { contacts, seed, now: NOW, slug });
  const people = await listContacts(db.kysely, result.workspace, {}, NOW);
  const k = db.kysely;
  const interactions = await k
    .selectFrom('interactions')
    .select(['id', 'kind', 'direction', 'occurred_at', 'subject', 'thread_id', 'is_closer', 'sentiment'])
    .where('workspace_id', '=', result.workspace.id)
    .orderBy('id')
    .execute();
  const counts: Record<string, number> = {};
  for (const table of ['facts', 'commitments', 'threads', 'interaction_contacts', 'interaction_behaviors', 'knowledge_shares'] as const) {
    const row = await k.selectFrom(table).select(k.fn.countAll<number>().as('n')).where('workspace_id', '=', result.workspace.id).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return {
    result: { ...result, seconds: 0 },
    contacts: people.map((c) => ({ id: c.id, name: c.name, email: c.email, kind: c.kind, stage: c.stage })).sort((a, b) => a.id.localeCompare(b.id)),
    interactions,
    counts,
  };
}

describe('demo data across engines', () => {
  const opened: Db[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });

  it('gives the same contacts, interactions and counts for the same seed on every engine', async () => {
    const prints = [];
    // Two fresh databases: SQLite and PostgreSQL, or SQLite twice when PostgreSQL is off.
    for (const dialect of testDialects().length > 1 ? testDialects() : ['sqlite' as const, 'sqlite' as const]) {
      const db = await createTestDb(dialect);
      opened.push(db);
      prints.push(await fingerprint(db, 7, 120));
    }
    const [a, b] = prints;
    expect(a!.contacts).toHaveLength(120);
    expect(a!.result.interactions).toBeGreaterThan(120 * 30);
    expect(b!.contacts).toEqual(a!.contacts);
    expect(b!.counts).toEqual(a!.counts);
    expect(b!.interactions).toEqual(a!.interactions);
    expect(b!.result.workspace.id).toBe(a!.result.workspace.id);
  });

  it('without an exact now gives the same people and counts whenever it runs, moved by whole weeks to just before now', async () => {
    const runs = [];
    // Minutes apart, then 36 days later.
    for (const now of [NOW, NOW + 37 * 60_000, NOW + 36 * DAY_MS]) {
      const db = await createTestDb('sqlite');
      opened.push(db);
      const result = await generateDemo(db, { contacts: 40, seed: 7, now, isNowExact: false });
      const interactions = await db.kysely.selectFrom('interactions').select(['id', 'kind', 'occurred_at', 'subject']).orderBy('id').execute();
      const facts = await db.kysely.selectFrom('facts').select(['id', 'date']).where('date', 'is not', null).orderBy('id').execute();
      runs.push({ now, result, interactions, facts });
    }
    const [a, b, c] = runs;
    expect(b!.result.interactions).toBe(a!.result.interactions);
    expect(c!.result.interactions).toBe(a!.result.interactions);
    expect(c!.interactions.map((i) => [i.id, i.kind, i.subject])).toEqual(a!.interactions.map((i) => [i.id, i.kind, i.subject]));
    for (const run of runs) {
      const newest = Math.max(...run.interactions.map((i) => Number(i.occurred_at)));
      expect(newest).toBeLessThan(run.now);
      expect(run.now - newest).toBeLessThan(8 * DAY_MS);
    }
    // The later run is the same data whole weeks on (six here: the first run was half an hour before a week's turn).
    const weeks = demoShift(c!.now) - demoShift(a!.now);
    expect(weeks).toBe(42 * DAY_MS);
    const moved = c!.interactions.map((i, n) => Number(i.occurred_at) - Number(a!.interactions[n]!.occurred_at));
    expect(new Set(moved)).toEqual(new Set([weeks]));
    expect(c!.facts.map((f) => Date.parse(`${f.date}T00:00:00Z`) - Date.parse(`${a!.facts.find((g) => g.id === f.id)!.date}T00:00:00Z`))).toEqual(c!.facts.map(() => weeks));
  });

  it('gives different data for a different seed', async () => {
    const one = await createTestDb('sqlite');
    const two = await createTestDb('sqlite');
    opened.push(one, two);
    const a = await fingerprint(one, 7, 40);
    const b = await fingerprint(two, 8, 40);
    expect(b.contacts.map((c) => c.email)).not.toEqual(a.contacts.map((c) => c.email));
    expect(b.interactions.map((i) => i.occurred_at)).not.toEqual(a.interactions.map((i) => i.occurred_at));
  });
});

describe.each(testDialects())('demo data on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('shows every situation the product is about, even in a small workspace', async () => {
    const { workspace: ws } = await generateDemo(db, { contacts: 30, seed: 3, now: NOW });
    expect(ws).toMatchObject({ name: 'Demo', slug: 'demo' });
    expect(ws.settings).toMatchObject({ time_zone: 'Europe/London', competitors: ['Globex', 'Initech'], own_domains: ['rapport-demo.example'] });

    const health = await db.kysely.selectFrom('contact_health').select(['contact_id', 'metrics', 'status']).where('workspace_id', '=', ws.id).execute();
    expect(health).toHaveLength(30);
    const metrics = health.map((h) => JSON.parse(h.metrics) as { open_waits: number; nudges: number; competitor_mentions_90d: number; overdue: boolean });
    expect(metrics.some((m) => m.open_waits > 0)).toBe(true);
    expect(metrics.some((m) => m.nudges > 0)).toBe(true);
    expect(metrics.some((m) => m.competitor_mentions_90d > 0)).toBe(true);
    expect(metrics.some((m) => m.overdue)).toBe(true);
    expect(new Set(health.map((h) => h.status)).size).toBeGreaterThan(1);

    const waits = await listOpenWaits(db.kysely, ws, NOW);
    expect(waits.some((w) => w.nudges > 0)).toBe(true);

    // Today is made with the demo: the first look at it does not wait for a whole run.
    expect(await isWholeRunDue(db.kysely, ws, NOW)).toBe(false);
    expect(Number((await db.kysely.selectFrom('suggestions').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()).n)).toBeGreaterThan(0);

    const contacts = await listContacts(db.kysely, ws, {}, NOW);
    expect(new Set(contacts.map((c) => c.stage))).toEqual(new Set(['honeymoon', 'established', 'prospect', 'personal']));

    const birthdays = await db.kysely.selectFrom('facts').select(['date', 'yearly']).where('workspace_id', '=', ws.id).where('kind', '=', 'important_date').execute();
    const inTwoWeeks = birthdays.filter((f) => {
      const [, month, day] = (f.date ?? '').split('-').map(Number);
      const next = Date.UTC(new Date(NOW).getUTCFullYear(), month! - 1, day!);
      return f.yearly === 1 && next > NOW && next - NOW <= 14 * DAY_MS;
    });
    expect(inTwoWeeks.length).toBeGreaterThan(0);

    const open = await db.kysely.selectFrom('commitments').select('due_at').where('workspace_id', '=', ws.id).where('status', '=', 'open').execute();
    expect(open.some((c) => c.due_at < NOW)).toBe(true);
    expect(open.some((c) => c.due_at > NOW && c.due_at - NOW <= 2 * DAY_MS)).toBe(true);

    const kinds = await db.kysely.selectFrom('interactions').select('kind').distinct().where('workspace_id', '=', ws.id).execute();
    expect(new Set(kinds.map((k) => k.kind))).toEqual(new Set(['email', 'call', 'meeting', 'message', 'surprise', 'newsletter']));
    const tags = await db.kysely.selectFrom('interaction_behaviors').select('behavior').distinct().where('workspace_id', '=', ws.id).execute();
    expect(new Set(tags.map((t) => t.behavior))).toEqual(new Set(['interest', 'compliment', 'knowledge', 'enthusiasm', 'humor', 'surprise', 'heroics', 'ask']));
  });

  it('with its past year scored, draws trends on first sight from the data as it stood then', async () => {
    const { workspace: ws } = await generateDemo(db, { contacts: 20, seed: 3, now: NOW, history: true });
    const series = await getStatusSeries(db, ws, NOW);
    // The weekly snapshots of the last 90 days (12), and today's.
    expect(series).toHaveLength(13);
    expect(series.at(-1)?.day).toBe('2025-06-02');
    const firsts = await db.kysely
      .selectFrom('interaction_contacts as ic')
      .innerJoin('interactions as i', (j) => j.onRef('i.workspace_id', '=', 'ic.workspace_id').onRef('i.id', '=', 'ic.interaction_id'))
      .select(['ic.contact_id', (eb) => eb.fn.min('i.occurred_at').as('first')])
      .where('ic.workspace_id', '=', ws.id)
      .groupBy('ic.contact_id')
      .execute();
    // The contact with the longest history has a point for each of the 22 past scorings and today.
    const contact = { id: [...firsts].sort((a, b) => Number(a.first) - Number(b.first))[0]!.contact_id };
    const trend = await getHealthHistory(db, ws, contact.id, NOW);
    expect(trend).toHaveLength(23);
    // Each past day is that day's score, not today's; a contact with no mail yet then has none.
    const oldest = pastSnapshotInstants(NOW)[0]!;
    const late = firsts.find((f) => Number(f.first) > oldest);
    expect(late).toBeDefined();
    const days = await db.kysely.selectFrom('health_snapshots').select('day').where('workspace_id', '=', ws.id).where('contact_id', '=', late!.contact_id).execute();
    expect(days.length).toBeGreaterThan(0);
    expect(days.every((d) => d.day >= new Date(Number(late!.first)).toISOString().slice(0, 10))).toBe(true);
    const [at] = pastSnapshotInstants(NOW).slice(-1);
    const then = await computeSelected(db.kysely, ws, { ids: [contact.id] }, at!, toolsFor(ws));
    const stored = trend.find((p) => p.day === new Date(at!).toISOString().slice(0, 10));
    expect(stored?.score).toBe(then[0]?.health.score);
  });

  it('writes mail the way import does: threads, references, roles, subject keys, nothing in the future', async () => {
    const { workspace: ws } = await generateDemo(db, { contacts: 12, seed: 5, now: NOW });
    const k = db.kysely;
    const mail = await k.selectFrom('interactions').selectAll().where('workspace_id', '=', ws.id).where('kind', '=', 'email').orderBy('id').execute();
    const threads = new Map((await k.selectFrom('threads').selectAll().where('workspace_id', '=', ws.id).execute()).map((t) => [t.id, t]));
    const roles = new Map(
      (await k.selectFrom('interaction_contacts').select(['interaction_id', 'role']).where('workspace_id', '=', ws.id).execute()).map((r) => [r.interaction_id, r.role]),
    );
    const previous = new Map<string, { at: number; messageId: string }>();
    for (const m of mail) {
      expect(m.occurred_at).toBeLessThan(NOW);
      expect(m.occurred_at % 1000).toBe(0);
      expect(m.subject_key).toBe(normalizeSubject(m.subject));
      expect(threads.has(m.thread_id!)).toBe(true);
      const before = previous.get(m.thread_id!);
      // Within a thread, id order is time order: ties are broken by id.
      if (before) {
        expect(m.occurred_at).toBeGreaterThanOrEqual(before.at);
        expect(m.in_reply_to).toBe(before.messageId);
      } else expect(m.in_reply_to).toBeNull();
      previous.set(m.thread_id!, { at: m.occurred_at, messageId: m.message_id! });
      if (m.automated === 1) expect(roles.has(m.id)).toBe(false);
      else expect(roles.get(m.id)).toBe(m.direction === 'in' ? 'from' : 'to');
    }
    for (const t of threads.values()) {
      const own = mail.filter((m) => m.thread_id === t.id);
      expect(t.message_count).toBe(own.length);
      expect(t.last_at).toBe(own[own.length - 1]!.occurred_at);
    }
    const first = await k.selectFrom('contacts').select(['id', 'first_seen_at']).where('workspace_id', '=', ws.id).execute();
    expect(first.every((c) => c.first_seen_at !== null && c.first_seen_at < NOW)).toBe(true);
  });

  it('writes the same rows into a database that has data (chunk by chunk) as into a fresh one (in one load)', async () => {
    const fresh = await fingerprint(db, 7, 60);
    const again = await fingerprint(db, 7, 60, 'demo-2');
    expect(again.contacts).toEqual(fresh.contacts);
    expect(again.interactions).toEqual(fresh.interactions);
    expect(again.counts).toEqual(fresh.counts);
  });

  it('leaves every index as the migrations made it after loading a fresh database', async () => {
    const indexes = async () =>
      dialect === 'sqlite'
        ? (await sql<{ name: string; ddl: string | null }>`select name, sql as ddl from sqlite_master where type = 'index' order by name`.execute(db.kysely)).rows
        : (await sql<{ name: string; ddl: string }>`select indexname as name, indexdef as ddl from pg_indexes where schemaname = current_schema() order by indexname`.execute(db.kysely)).rows;
    const before = await indexes();
    await generateDemo(db, { contacts: 5, seed: 2, now: NOW });
    expect(await indexes()).toEqual(before);
    expect(before.map((i) => i.name)).toContain('interactions_kind_time_idx');
  });

  it('refuses a bad count or seed, and a slug that is taken, naming the problem', async () => {
    await expect(generateDemo(db, { contacts: 0, seed: 1, now: NOW })).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('--contacts') });
    await expect(generateDemo(db, { contacts: 5, seed: -1, now: NOW })).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('--seed') });
    await generateDemo(db, { contacts: 3, seed: 1, now: NOW });
    await expect(generateDemo(db, { contacts: 3, seed: 1, now: NOW })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('demo') });
    const second = await generateDemo(db, { contacts: 3, seed: 1, now: NOW, slug: 'demo-2' });
    expect(second.workspace.slug).toBe('demo-2');
  });
});
