import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import { topicMatchesInterest } from './knowledge.schema.js';
import { addKnowledge, deleteKnowledge, editKnowledge, listKnowledge, shareKnowledge } from './knowledge.service.js';

describe('topicMatchesInterest', () => {
  it.each([
    ['sailing', 'sailing on weekends', true],
    ['Machine Learning', 'machine learning', true],
    ['ai', 'mountain biking', false],
    ['jazz', 'classical music', false],
    ['c++', 'C++', true],
  ])('topic %s vs interest %s → %s', (topic, interest, expected) => {
    expect(topicMatchesInterest(topic, interest)).toBe(expected);
  });
});

describe.each(testDialects())('knowledge on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('adds with lower-case topics, lists, edits, shares once and deletes', async () => {
    const { ws, contact } = await buildContact(db);
    const item = await addKnowledge(db.kysely, ws, { title: 'Ten knots', url: 'https://example.com/knots', topics: ['Sailing', 'boats'] }, T0);
    expect(item).toMatchObject({ title: 'Ten knots', topics: ['sailing', 'boats'], shared_with: [] });
    expect((await listKnowledge(db.kysely, ws, { topic: 'SAILING' })).map((k) => k.id)).toEqual([item.id]);
    expect((await editKnowledge(db.kysely, ws, item.id, { topics: ['sailing'] })).topics).toEqual(['sailing']);
    await shareKnowledge(db.kysely, ws, item.id, contact.id, T0);
    const again = await shareKnowledge(db.kysely, ws, item.id, contact.email!, T0 + 1000);
    expect(again.shared_with).toEqual([{ contact_id: contact.id, at: new Date(T0).toISOString() }]);
    await deleteKnowledge(db.kysely, ws, item.id);
    expect(await listKnowledge(db.kysely, ws)).toEqual([]);
  });

  it('names the bad field: a missing topic, a URL that is not http(s)', async () => {
    const ws = await buildWorkspace(db);
    await expect(addKnowledge(db.kysely, ws, { title: 'x', topics: [] }, T0)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringContaining('topics'),
    });
    await expect(addKnowledge(db.kysely, ws, { title: 'x', url: 'javascript:alert(1)', topics: ['a'] }, T0)).rejects.toMatchObject({
      details: [{ where: 'url' }],
    });
  });
});
