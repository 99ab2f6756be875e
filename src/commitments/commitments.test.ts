import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { listTimeline, logInteraction } from '../interactions/interactions.service.js';
import { DAY_MS } from '../shared/time.js';
import { buildContact, T0 } from '../test/factories.js';
import { addCommitment, completeCommitment, deleteCommitment, editCommitment, listCommitments } from './commitments.service.js';

describe.each(testDialects())('commitments on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('adds, lists soonest first, edits and deletes', async () => {
    const { ws, contact } = await buildContact(db);
    const late = await addCommitment(db.kysely, ws, contact.email!, { text: 'send the contract', due_at: T0 + 5 * DAY_MS }, T0);
    const soon = await addCommitment(db.kysely, ws, contact.id, { text: 'proposal by Friday 9:00', due_at: T0 + DAY_MS }, T0);
    expect((await listCommitments(db.kysely, ws)).map((c) => c.id)).toEqual([soon.id, late.id]);
    const edited = await editCommitment(db.kysely, ws, late.id, { due_at: T0 + 2 * DAY_MS });
    expect(edited.due).toBe(new Date(T0 + 2 * DAY_MS).toISOString());
    await deleteCommitment(db.kysely, ws, soon.id);
    expect((await listCommitments(db.kysely, ws)).map((c) => c.id)).toEqual([late.id]);
  });

  it('tags the interaction that meets a commitment before it is due as heroics', async () => {
    const { ws, contact } = await buildContact(db);
    const promise = await addCommitment(db.kysely, ws, contact.id, { text: 'proposal by Friday', due_at: T0 + 2 * DAY_MS }, T0);
    const mail = await logInteraction(db.kysely, ws, { kind: 'email', contact_ids: [contact.id], at: T0 + DAY_MS, text: 'Here is the proposal' }, T0 + DAY_MS);
    const done = await completeCommitment(db.kysely, ws, promise.id, T0 + DAY_MS, { interactionId: mail.id });
    expect(done).toMatchObject({ status: 'done', on_time: true, interaction_id: mail.id });
    const [timeline] = await listTimeline(db.kysely, ws, contact.id);
    expect(timeline!.behaviors).toContainEqual({ behavior: 'heroics', origin: 'commitment' });
    await expect(completeCommitment(db.kysely, ws, promise.id, T0)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('does not tag a late one, and refuses an interaction with someone else', async () => {
    const { ws, contact } = await buildContact(db);
    const { contact: other } = await buildContact(db, ws);
    const promise = await addCommitment(db.kysely, ws, contact.id, { text: 'call back', due_at: T0 }, T0 - DAY_MS);
    const elsewhere = await logInteraction(db.kysely, ws, { kind: 'call', contact_ids: [other.id], at: T0 }, T0);
    await expect(completeCommitment(db.kysely, ws, promise.id, T0, { interactionId: elsewhere.id })).rejects.toMatchObject({ code: 'validation' });
    const call = await logInteraction(db.kysely, ws, { kind: 'call', contact_ids: [contact.id], at: T0 + DAY_MS }, T0 + DAY_MS);
    const done = await completeCommitment(db.kysely, ws, promise.id, T0 + DAY_MS, { interactionId: call.id });
    expect(done.on_time).toBe(false);
    const [timeline] = await listTimeline(db.kysely, ws, contact.id);
    expect(timeline!.behaviors).toEqual([]);
  });
});
