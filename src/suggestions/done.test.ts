/**
 * Acting on a suggestion changes what Rapport measures: done logs the interaction where it
 * counts (a reply in the waiting thread, a kept promise on its commitment, a share, a
 * surprise), so waits, metrics, stored health and Today move at once. Real mail goes through
 * the real importer; open waits come from the real metrics engine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCommitment, findCommitmentOrThrow } from '../commitments/commitments.service.js';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { addFact } from '../facts/facts.service.js';
import { listOpenWaits } from '../health/health.service.js';
import { toMbox, type MailSpec } from '../health/test-mail.js';
import { importPaths } from '../import/import.service.js';
import { findThreadOrThrow, logInteraction } from '../interactions/interactions.service.js';
import { addKnowledge, findKnowledgeOrThrow } from '../knowledge/knowledge.service.js';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import { buildContact, buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { loadSuggestionDeps } from './suggestions.deps.js';
import { completeSuggestion, listToday } from './suggestions.service.js';

const NOW = Date.parse('2025-04-10T10:00:00Z'); // a Thursday
const LATER = NOW + 5 * 60_000;

const MAIL: MailSpec[] = [
  { id: 'p1@client.example', from: 'Ada Lovelace <ada@client.example>', to: ['me@acme.example'], subject: 'Pricing', at: '2025-04-01T09:00:00Z', text: 'What would 40 seats cost us per year?' },
  { id: 'p2@acme.example', from: 'Me <me@acme.example>', to: ['ada@client.example'], subject: 'Pricing', at: '2025-04-01T11:00:00Z', replyTo: 'p1@client.example', text: 'About 12,000 a year; I will send the details.' },
  { id: 'p3@client.example', from: 'Ada Lovelace <ada@client.example>', to: ['me@acme.example'], subject: 'Pricing', at: '2025-04-07T09:00:00Z', replyTo: 'p2@acme.example', text: 'Could you also quote 60 seats? We decide on Friday.' },
];

/** What the contact's stored health says (what lists, Today and exports read). */
async function storedHealth(db: Db, ws: Workspace, contactId: string) {
  const row = await db.kysely.selectFrom('contact_health').select(['metrics', 'factors']).where('workspace_id', '=', ws.id).where('contact_id', '=', contactId).executeTakeFirstOrThrow();
  return { metrics: JSON.parse(row.metrics) as Record<string, unknown>, factors: JSON.parse(row.factors) as Record<string, { explanation: string }> };
}

describe.each(testDialects())('done on %s', (dialect) => {
  let db: Db;
  let dir: string;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    dir = mkdtempSync(join(tmpdir(), 'rapport-done-'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a done reply is filed in the waiting thread as "Re: …" answering their last message, and the wait ends everywhere at once', async () => {
    const ws = await buildWorkspace(db);
    const file = join(dir, 'mail.mbox');
    writeFileSync(file, toMbox(MAIL));
    await importPaths(db, ws, [file], NOW - DAY_MS, { workers: 0 });
    const [wait] = await listOpenWaits(db.kysely, ws, NOW);
    expect(wait).toMatchObject({ contact: { email: 'ada@client.example' }, subject: 'Pricing', since: '2025-04-07T09:00:00.000Z' });
    const ada = wait!.contact.id;
    const reply = (await listToday(db.kysely, ws, NOW, { limit: 20 }, loadSuggestionDeps)).find((s) => s.kind === 'reply')!;
    expect(reply.contact.id).toBe(ada);
    expect((await storedHealth(db, ws, ada)).metrics).toMatchObject({ open_waits: 1, replies: 1 });

    const done = await completeSuggestion(db.kysely, ws, reply.id, NOW, { note: 'Hi Ada, 60 seats would be 17,500 a year.' });

    expect(done).toMatchObject({ status: 'done', interaction: { kind: 'email', direction: 'out', subject: 'Re: Pricing', thread_id: wait!.thread_id, contact_ids: [ada] } });
    const row = await db.kysely.selectFrom('interactions').select(['in_reply_to', 'refs']).where('id', '=', done.interaction.id).executeTakeFirstOrThrow();
    expect(row.in_reply_to).toBe('p3@client.example');
    expect(JSON.parse(row.refs)).toEqual(['p1@client.example', 'p2@acme.example', 'p3@client.example']);
    const thread = await findThreadOrThrow(db.kysely, ws, wait!.thread_id);
    expect(thread.message_count).toBe(4);
    expect(thread.interactions.at(-1)!.id).toBe(done.interaction.id);

    // At the same instant: no open wait, and the stored health counts the reply.
    expect(await listOpenWaits(db.kysely, ws, NOW)).toEqual([]);
    const health = await storedHealth(db, ws, ada);
    expect(health.metrics).toMatchObject({ open_waits: 0, replies: 2, oldest_wait_s: null });
    expect(health.factors.responsiveness!.explanation).not.toMatch(/open wait/i);
    const later = await listToday(db.kysely, ws, LATER, { limit: 20 }, loadSuggestionDeps);
    expect(later.filter((s) => s.kind === 'reply')).toEqual([]);
  });

  it('a done reply to an email logged by hand makes a thread of the two', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Bob Stone', email: 'bob@client.example' });
    const inbound = await logInteraction(db.kysely, ws, { kind: 'email', contact_ids: [contact.id], at: NOW - 2 * DAY_MS, direction: 'in', subject: 'Invoice 42', text: 'Could you resend invoice 42, please?' }, NOW - 2 * DAY_MS);
    const reply = (await listToday(db.kysely, ws, NOW, { limit: 20 }, loadSuggestionDeps)).find((s) => s.kind === 'reply')!;
    expect(reply.contact.id).toBe(contact.id);

    const done = await completeSuggestion(db.kysely, ws, reply.id, NOW);

    expect(done.interaction).toMatchObject({ subject: 'Re: Invoice 42', thread_id: inbound.id });
    const thread = await findThreadOrThrow(db.kysely, ws, inbound.id);
    expect(thread).toMatchObject({ subject: 'Invoice 42', message_count: 2 });
    expect(thread.interactions.map((i) => [i.id, i.direction])).toEqual([
      [inbound.id, 'in'],
      [done.interaction.id, 'out'],
    ]);
    expect(await listOpenWaits(db.kysely, ws, NOW)).toEqual([]);
    expect((await storedHealth(db, ws, contact.id)).metrics).toMatchObject({ open_waits: 0, replies: 1 });
  });

  it('a done promise completes its commitment, a done share is recorded, a done surprise is logged as one: none comes back', async () => {
    const { ws, contact } = await buildContact(db, undefined, { name: 'Cy Cerf', client_since: NOW - 400 * DAY_MS });
    const commitment = await addCommitment(db.kysely, ws, contact.id, { text: 'send the proposal', due_at: NOW + 20 * HOUR_MS }, NOW - DAY_MS);
    await addFact(db.kysely, ws, contact.id, { kind: 'interest', text: 'sailing' }, NOW - DAY_MS);
    const in5 = new Date(NOW + 5 * DAY_MS).toISOString().slice(5, 10);
    await addFact(db.kysely, ws, contact.id, { kind: 'important_date', text: 'birthday', date: `1985-${in5}`, yearly: true }, NOW - DAY_MS);
    const item = await addKnowledge(db.kysely, ws, { title: 'Ten knots', url: 'https://example.com/knots', topics: ['sailing'] }, NOW - DAY_MS);
    const today = await listToday(db.kysely, ws, NOW, { limit: 20 }, loadSuggestionDeps);
    const byKind = new Map(today.map((s) => [s.kind, s]));
    expect([...byKind.keys()].sort()).toEqual(['keep_promise', 'share_knowledge', 'surprise']);

    const promise = await completeSuggestion(db.kysely, ws, byKind.get('keep_promise')!.id, NOW);
    expect(await findCommitmentOrThrow(db.kysely, ws, commitment.id)).toMatchObject({ status: 'done' });
    expect(promise.interaction.behaviors).toContainEqual({ behavior: 'heroics', origin: 'commitment' });

    const share = await completeSuggestion(db.kysely, ws, byKind.get('share_knowledge')!.id, NOW);
    expect((await findKnowledgeOrThrow(db.kysely, ws, item.id)).shared_with).toEqual([{ contact_id: contact.id, at: new Date(NOW).toISOString() }]);
    expect(share.interaction.behaviors).toContainEqual({ behavior: 'knowledge', origin: 'manual' });

    const surprise = await completeSuggestion(db.kysely, ws, byKind.get('surprise')!.id, NOW);
    expect(surprise.interaction).toMatchObject({ kind: 'surprise', direction: 'out', behaviors: [{ behavior: 'surprise', origin: 'manual' }] });
    const { metrics } = await storedHealth(db, ws, contact.id);
    expect(metrics.behaviors_180d).toMatchObject({ heroics: 1, knowledge: 1, surprise: 1 });

    // Recomputed later (a new fact changes the data): none of the three causes comes back.
    await addFact(db.kysely, ws, contact.id, { kind: 'other', text: 'likes tea' }, LATER);
    expect(await listToday(db.kysely, ws, LATER, { limit: 20 }, loadSuggestionDeps)).toEqual([]);
  });
});
