import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCommitment } from '../commitments/commitments.service.js';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { addFact } from '../facts/facts.service.js';
import { listTimeline, logInteraction } from '../interactions/interactions.service.js';
import { addKnowledge, findKnowledgeOrThrow } from '../knowledge/knowledge.service.js';
import type { OpenWait } from '../metrics/metrics.types.js';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import { competitorMentions, detectAchievements } from '../text/index.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import type { SuggestionDeps } from './suggestions.input.js';
import { completeSuggestion, dismissSuggestion, listToday, snoozeSuggestion } from './suggestions.service.js';

const NOW = T0 + 400 * DAY_MS;

/**
 * Real text rules; open waits stand in for the metrics engine's listOpenWaits (its thread
 * walk is tested there): each test says which waits are open.
 */
function deps(waits: OpenWait[] = []): () => Promise<SuggestionDeps> {
  return async () => ({ listOpenWaits: async () => waits, detectAchievements, competitorMentions });
}

async function storeMetrics(db: Db, ws: Workspace, contactId: string, metrics: Record<string, unknown>, lastTouchAt: number) {
  await db.kysely
    .insertInto('contact_health')
    .values({ workspace_id: ws.id, contact_id: contactId, score: 50, status: 'cooling', stage: 'established', last_touch_at: lastTouchAt, metrics: JSON.stringify(metrics), factors: '{}', computed_at: NOW })
    .execute();
}

describe.each(testDialects())('today on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('ranks a nudged open wait first, above a commitment due tomorrow, and stores both', async () => {
    const ws = await buildWorkspace(db);
    const { contact: ada } = await buildContact(db, ws, { name: 'Ada Lovelace', email: 'ada@client.example' });
    const { contact: bob } = await buildContact(db, ws, { name: 'Bob Stone' });
    await addCommitment(db.kysely, ws, bob.id, { text: 'proposal by Friday', due_at: NOW + DAY_MS }, NOW - DAY_MS);
    const wait: OpenWait = {
      contact: { id: ada.id, name: ada.name, email: ada.email },
      thread_id: 'th_1',
      subject: 'Pricing',
      since: new Date(NOW - 3 * DAY_MS).toISOString(),
      wait_s: 3 * 86_400,
      wait_business_s: 2 * 8 * 3600,
      nudges: 1,
      competitors: [],
    };
    const today = await listToday(db.kysely, ws, NOW, { limit: 10 }, deps([wait]));
    expect(today.map((s) => [s.kind, s.contact.name])).toEqual([
      ['reply', 'Ada Lovelace'],
      ['keep_promise', 'Bob Stone'],
    ]);
    expect(today[0]).toMatchObject({ status: 'open', behavior: 'responsiveness', contact: { email: 'ada@client.example' } });
    expect(today[1]!.reason).toContain('"proposal by Friday"; it is due tomorrow');
    // Read again with nothing changed: the same ids, nothing recomputed differently.
    expect((await listToday(db.kysely, ws, NOW, { limit: 10 }, deps([wait]))).map((s) => s.id)).toEqual(today.map((s) => s.id));
  });

  it('reconnects an overdue contact quoting a stored fact; done logs an interest interaction and it goes away', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Ada Lovelace' });
    await addFact(db.kysely, ws, contact.id, { kind: 'interest', text: 'sailing' }, NOW - 50 * DAY_MS);
    await storeMetrics(db, ws, contact.id, { overdue: true, days_since_last_touch: 40, typical_gap_days: 12, competitor_mentions_90d: 0 }, NOW - 40 * DAY_MS);
    const [reconnect] = await listToday(db.kysely, ws, NOW, {}, deps());
    expect(reconnect).toMatchObject({ kind: 'reconnect', behavior: 'interest' });
    expect(reconnect!.reason).toBe('Last touch with Ada was 40 days ago; you usually keep in touch every 12 days and the relationship is cooling (health 50). You noted "sailing" (interest): ask about it.');
    const done = await completeSuggestion(db.kysely, ws, reconnect!.id, NOW, { note: 'Asked about the regatta' });
    expect(done.status).toBe('done');
    expect(done.interaction).toMatchObject({ kind: 'email', direction: 'out', behaviors: [{ behavior: 'interest', origin: 'manual' }] });
    expect((await listToday(db.kysely, ws, NOW + 60_000, {}, deps())).map((s) => s.id)).not.toContain(reconnect!.id);
  });

  it('proposes a knowledge item for an interest once, and not again after it is shared', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Ada Lovelace' });
    await addFact(db.kysely, ws, contact.id, { kind: 'interest', text: 'sailing' }, NOW - DAY_MS);
    const item = await addKnowledge(db.kysely, ws, { title: 'Ten knots', url: 'https://example.com/knots', topics: ['sailing'] }, NOW - DAY_MS);
    const [share] = await listToday(db.kysely, ws, NOW, {}, deps());
    expect(share).toMatchObject({ kind: 'share_knowledge', behavior: 'knowledge' });
    expect(share!.draft).toContain('https://example.com/knots');
    await completeSuggestion(db.kysely, ws, share!.id, NOW);
    expect((await findKnowledgeOrThrow(db.kysely, ws, item.id)).shared_with).toEqual([{ contact_id: contact.id, at: new Date(NOW).toISOString() }]);
    expect(await listToday(db.kysely, ws, NOW + 60_000, {}, deps())).toEqual([]);
  });

  it('names the gift idea for a birthday within 14 days', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Ada Lovelace' });
    const in5 = new Date(NOW + 5 * DAY_MS).toISOString().slice(5, 10);
    await addFact(db.kysely, ws, contact.id, { kind: 'important_date', text: 'birthday', date: `1985-${in5}`, yearly: true }, NOW - DAY_MS);
    await addFact(db.kysely, ws, contact.id, { kind: 'gift_idea', text: 'a book on knots' }, NOW - DAY_MS);
    const [surprise] = await listToday(db.kysely, ws, NOW, {}, deps());
    expect(surprise).toMatchObject({ kind: 'surprise', behavior: 'surprise' });
    expect(surprise!.reason).toMatch(/^Ada's birthday is in 5 days .* Gift idea: a book on knots\.$/);
    const done = await completeSuggestion(db.kysely, ws, surprise!.id, NOW);
    expect(done.interaction).toMatchObject({ kind: 'surprise', behaviors: [{ behavior: 'surprise', origin: 'manual' }] });
  });

  it('keeps dismissed suggestions dismissed, and brings snoozed ones back when their time comes', async () => {
    const { ws, contact } = await buildContact(db);
    await addCommitment(db.kysely, ws, contact.id, { text: 'call back', due_at: NOW + HOUR_MS }, NOW - DAY_MS);
    await addCommitment(db.kysely, ws, contact.id, { text: 'send slides', due_at: NOW + 2 * HOUR_MS }, NOW - DAY_MS);
    const [first, second] = await listToday(db.kysely, ws, NOW, {}, deps());
    expect((await dismissSuggestion(db.kysely, ws, first!.id, NOW)).status).toBe('dismissed');
    const snoozed = await snoozeSuggestion(db.kysely, ws, second!.id, NOW + 3 * HOUR_MS, NOW);
    expect(snoozed).toMatchObject({ status: 'snoozed', until: new Date(NOW + 3 * HOUR_MS).toISOString() });
    // A new fact changes the data stamp, so the engine runs again: the dismissed cause stays dismissed.
    await addFact(db.kysely, ws, contact.id, { kind: 'other', text: 'likes tea' }, NOW);
    expect(await listToday(db.kysely, ws, NOW + 60_000, {}, deps())).toEqual([]);
    expect((await listToday(db.kysely, ws, NOW + 4 * HOUR_MS, {}, deps())).map((s) => [s.id, s.status])).toEqual([[second!.id, 'open']]);
    await expect(dismissSuggestion(db.kysely, ws, first!.id, NOW)).rejects.toMatchObject({ code: 'conflict' });
    await expect(snoozeSuggestion(db.kysely, ws, second!.id, NOW - 1, NOW)).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('--until') });
  });

  it('compliments an achievement found in their mail, naming the rule, and tags a promise kept early as heroics', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Ada Lovelace' });
    await logInteraction(db.kysely, ws, { kind: 'email', contact_ids: [contact.id], at: NOW - DAY_MS, direction: 'in', text: 'Big news: we launched the new app yesterday. Thanks for your help!' }, NOW - DAY_MS);
    await addCommitment(db.kysely, ws, contact.id, { text: 'proposal', due_at: NOW + DAY_MS }, NOW - DAY_MS);
    const today = await listToday(db.kysely, ws, NOW, {}, deps());
    const compliment = today.find((s) => s.kind === 'compliment')!;
    expect(compliment.reason).toMatch(/^Ada wrote "Big news: we launched the new app yesterday\." \(rule: achievement\.launch\) yesterday/);
    const promise = today.find((s) => s.kind === 'keep_promise')!;
    const done = await completeSuggestion(db.kysely, ws, promise.id, NOW);
    expect(done.interaction.behaviors).toContainEqual({ behavior: 'heroics', origin: 'commitment' });
    const [latest] = await listTimeline(db.kysely, ws, contact.id, 1);
    expect(latest!.id).toBe(done.interaction.id);
  });

  it('compliments news matched by a phrase of the workspace settings, naming the phrase as the rule', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Ada Lovelace' });
    await logInteraction(db.kysely, ws, { kind: 'email', contact_ids: [contact.id], at: NOW - DAY_MS, direction: 'in', text: 'We opened a new branch in Lyon last week.' }, NOW - DAY_MS);
    expect((await listToday(db.kysely, ws, NOW, {}, deps())).filter((s) => s.kind === 'compliment')).toEqual([]);

    const updated = await updateWorkspaceSettings(db.kysely, ws, { achievement_patterns: ['opened a new branch'] }, NOW);
    const compliment = (await listToday(db.kysely, updated, NOW, {}, deps())).find((s) => s.kind === 'compliment');
    expect(compliment?.reason).toMatch(/^Ada wrote "We opened a new branch in Lyon last week\." \(rule: custom:opened a new branch\)/);
  });
});
