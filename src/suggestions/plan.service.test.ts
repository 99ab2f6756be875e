import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCommitment, findCommitmentOrThrow } from '../commitments/commitments.service.js';
import type { Contact } from '../contacts/contacts.schema.js';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { addFact } from '../facts/facts.service.js';
import { listTimeline } from '../interactions/interactions.service.js';
import type { OpenWait } from '../metrics/metrics.types.js';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import { competitorMentions, detectAchievements } from '../text/index.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { getTodayPlan } from './plan.service.js';
import type { SuggestionDeps } from './suggestions.input.js';
import { completeSuggestion, dismissSuggestion, listToday, snoozeSuggestion } from './suggestions.service.js';
import { undoSuggestion } from './undo.service.js';

const NOW = T0 + 400 * DAY_MS;

function deps(waits: () => OpenWait[]): () => Promise<SuggestionDeps> {
  return async () => ({ listOpenWaits: async () => waits(), detectAchievements, competitorMentions });
}

function waitOn(contact: Contact, thread: string, days: number, now = NOW): OpenWait {
  return {
    contact: { id: contact.id, name: contact.name, email: contact.email },
    thread_id: thread,
    subject: `About ${thread}`,
    since: new Date(now - days * DAY_MS).toISOString(),
    wait_s: days * 86_400,
    wait_business_s: days * 8 * 3600,
    nudges: 0,
    competitors: [],
  };
}

async function overdue(db: Db, ws: Workspace, contactId: string, days: number) {
  await db.kysely
    .insertInto('contact_health')
    .values({
      workspace_id: ws.id,
      contact_id: contactId,
      score: 50,
      status: 'cooling',
      stage: 'established',
      last_touch_at: NOW - days * DAY_MS,
      metrics: JSON.stringify({ overdue: true, days_since_last_touch: days, typical_gap_days: 10, competitor_mentions_90d: 0 }),
      factors: '{}',
      computed_at: NOW,
    })
    .execute();
}

describe.each(testDialects())("today's plan on %s", (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('holds plan-size items, replies first and a share for other behaviours, and keeps them for the day; new mail joins at the top', async () => {
    const ws = await updateWorkspaceSettings(db.kysely, await buildWorkspace(db), { today_plan_size: 5 }, NOW);
    const waiting: Contact[] = [];
    for (let i = 0; i < 5; i += 1) waiting.push((await buildContact(db, ws, { name: `Waiting ${i}` })).contact);
    for (let i = 0; i < 3; i += 1) await overdue(db, ws, (await buildContact(db, ws, { name: `Quiet ${i}` })).contact.id, 30 + i);
    let waits = waiting.map((c, i) => waitOn(c, `th_${i}`, i + 1));
    const d = deps(() => waits);

    const plan = await getTodayPlan(db.kysely, ws, NOW, {}, d);
    // Eleven open: five replies, three reconnects and three surprises (cooling relationships).
    expect(plan.total).toBe(11);
    expect(plan.items.map((s) => [s.kind, s.contact.name])).toEqual([
      ['reply', 'Waiting 4'],
      ['reply', 'Waiting 3'],
      ['reply', 'Waiting 2'],
      ['reconnect', 'Quiet 2'],
      ['surprise', 'Quiet 0'],
    ]);
    expect(plan.items[0]!.why).toBe('Reply 1 of 3 today (5 open): people waiting on you come first.');
    expect(plan.items[3]!.why).toBe('Reconnect, the best of 3, one of 2 behaviours today: a quiet relationship, worth a question about them.');
    expect(plan.items.some((s) => s.new)).toBe(false);

    // Working through it: the done item leaves, nothing moves up from outside the plan.
    await completeSuggestion(db.kysely, ws, plan.items[0]!.id, NOW + HOUR_MS, { note: 'Answered' });
    waits = waits.filter((w) => w.thread_id !== 'th_4');
    const later = await getTodayPlan(db.kysely, ws, NOW + 2 * HOUR_MS, {}, d);
    expect(later.items.map((s) => s.id)).toEqual(plan.items.slice(1).map((s) => s.id));
    expect(later.total).toBe(10);

    // Mail that came in after the plan was made joins at the top, marked new.
    const newcomer = (await buildContact(db, ws, { name: 'Newcomer' })).contact;
    waits = [...waits, waitOn(newcomer, 'th_new', 0.1, NOW + 3 * HOUR_MS)];
    const withNew = await getTodayPlan(db.kysely, ws, NOW + 3 * HOUR_MS, {}, d);
    expect(withNew.items.map((s) => [s.contact.name, s.new ?? false])).toEqual([
      ['Newcomer', true],
      ...later.items.map((s) => [s.contact.name, false]),
    ]);
    expect(withNew.items[0]!.why).toBe("New since today's plan was made: people waiting on you come first.");

    // The full ranked list is still there, and tomorrow is a new plan.
    expect((await listToday(db.kysely, ws, NOW + 3 * HOUR_MS, { limit: 100 }, d)).length).toBe(11);
    const tomorrow = await getTodayPlan(db.kysely, ws, NOW + DAY_MS, {}, d);
    expect(tomorrow.items.some((s) => s.new)).toBe(false);
    expect(tomorrow.items[0]!.contact.name).toBe('Waiting 3');
    expect(await db.kysely.selectFrom('today_plans').select('day').execute()).toEqual([{ day: new Date(NOW + DAY_MS).toISOString().slice(0, 10) }]);
  });

  it('undo of done deletes the logged interaction, reopens the promise and puts the item back in its place', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Ada Lovelace' });
    const other = (await buildContact(db, ws, { name: 'Bob Stone' })).contact;
    const promise = await addCommitment(db.kysely, ws, contact.id, { text: 'send the proposal', due_at: NOW + 5 * HOUR_MS }, NOW - DAY_MS);
    await addCommitment(db.kysely, ws, other.id, { text: 'call back', due_at: NOW + 30 * HOUR_MS }, NOW - DAY_MS);
    const d = deps(() => []);
    const plan = await getTodayPlan(db.kysely, ws, NOW, {}, d);
    expect(plan.items.map((s) => s.contact.name)).toEqual(['Ada Lovelace', 'Bob Stone']);

    const done = await completeSuggestion(db.kysely, ws, plan.items[0]!.id, NOW + HOUR_MS, { note: 'Sent the proposal' });
    expect((await findCommitmentOrThrow(db.kysely, ws, promise.id)).status).toBe('done');
    expect((await getTodayPlan(db.kysely, ws, NOW + HOUR_MS, {}, d)).items.map((s) => s.contact.name)).toEqual(['Bob Stone']);

    await expect(undoSuggestion(db.kysely, ws, done.id, NOW + 2 * HOUR_MS)).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('interaction_id') });
    const undone = await undoSuggestion(db.kysely, ws, done.id, NOW + 2 * HOUR_MS, { interactionId: done.interaction.id });
    expect(undone.status).toBe('open');
    expect((await findCommitmentOrThrow(db.kysely, ws, promise.id)).status).toBe('open');
    expect((await listTimeline(db.kysely, ws, contact.id, 10)).map((i) => i.id)).not.toContain(done.interaction.id);
    expect((await getTodayPlan(db.kysely, ws, NOW + 2 * HOUR_MS, {}, d)).items.map((s) => s.contact.name)).toEqual(['Ada Lovelace', 'Bob Stone']);
    await expect(undoSuggestion(db.kysely, ws, done.id, NOW + 2 * HOUR_MS)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('undo of snooze and dismiss opens the item again; an interaction done did not log is refused', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Ada Lovelace' });
    await addFact(db.kysely, ws, contact.id, { kind: 'interest', text: 'sailing' }, NOW - DAY_MS);
    await overdue(db, ws, contact.id, 40);
    const other = (await buildContact(db, ws, { name: 'Bob Stone' })).contact;
    await addCommitment(db.kysely, ws, other.id, { text: 'call back', due_at: NOW + HOUR_MS }, NOW - DAY_MS);
    const d = deps(() => []);
    const [promise, reconnect] = (await getTodayPlan(db.kysely, ws, NOW, {}, d)).items;
    expect([promise!.kind, reconnect!.kind]).toEqual(['keep_promise', 'reconnect']);

    await snoozeSuggestion(db.kysely, ws, reconnect!.id, NOW + DAY_MS, NOW);
    await dismissSuggestion(db.kysely, ws, promise!.id, NOW);
    expect((await getTodayPlan(db.kysely, ws, NOW, {}, d)).items).toEqual([]);
    expect((await undoSuggestion(db.kysely, ws, reconnect!.id, NOW)).status).toBe('open');
    expect((await undoSuggestion(db.kysely, ws, promise!.id, NOW)).status).toBe('open');
    expect((await getTodayPlan(db.kysely, ws, NOW, {}, d)).items.map((s) => s.id)).toEqual([promise!.id, reconnect!.id]);

    const done = await completeSuggestion(db.kysely, ws, reconnect!.id, NOW + HOUR_MS);
    const bobs = await completeSuggestion(db.kysely, ws, promise!.id, NOW + 2 * HOUR_MS);
    await expect(undoSuggestion(db.kysely, ws, done.id, NOW + 3 * HOUR_MS, { interactionId: bobs.interaction.id })).rejects.toMatchObject({ code: 'not_found' });
  });
});
