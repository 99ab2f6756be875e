import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import { addFact, deleteFact, editFact, listFacts } from './facts.service.js';

describe.each(testDialects())('facts on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('adds, lists, edits and deletes facts of a contact named by address', async () => {
    const { ws, contact } = await buildContact(db, undefined, { email: 'ada@client.example' });
    const birthday = await addFact(db.kysely, ws, 'ADA@client.example', { kind: 'important_date', text: 'birthday', date: '1985-03-14', yearly: true }, T0);
    expect(birthday).toMatchObject({ contact_id: contact.id, kind: 'important_date', date: '1985-03-14', yearly: true, origin: 'manual' });
    const sailing = await addFact(db.kysely, ws, contact.id, { kind: 'interest', text: 'sailing' }, T0 + 1);
    expect((await listFacts(db.kysely, ws, { contact: contact.id })).map((f) => f.text)).toEqual(['birthday', 'sailing']);
    expect((await listFacts(db.kysely, ws, { kind: 'interest' })).map((f) => f.id)).toEqual([sailing.id]);

    const edited = await editFact(db.kysely, ws, sailing.id, { text: 'sailing on the Solent' });
    expect(edited.text).toBe('sailing on the Solent');
    await deleteFact(db.kysely, ws, birthday.id);
    expect((await listFacts(db.kysely, ws, { contact: contact.id })).map((f) => f.id)).toEqual([sailing.id]);
  });

  it('names the allowed kinds when the kind is unknown', async () => {
    const { ws, contact } = await buildContact(db);
    await expect(addFact(db.kysely, ws, contact.id, { kind: 'hobby', text: 'x' }, T0)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringContaining('unknown kind "hobby"; use one of preference, interest, important_date'),
    });
  });

  it('refuses an impossible date, a yearly fact without a date, and an unknown contact', async () => {
    const { ws, contact } = await buildContact(db);
    await expect(addFact(db.kysely, ws, contact.id, { kind: 'important_date', text: 'x', date: '2025-02-30' }, T0)).rejects.toMatchObject({
      code: 'validation',
      details: [{ where: 'date' }],
    });
    await expect(addFact(db.kysely, ws, contact.id, { kind: 'other', text: 'x', yearly: true }, T0)).rejects.toMatchObject({
      message: expect.stringContaining('yearly fact needs a date'),
    });
    await expect(addFact(db.kysely, ws, 'nobody@x.example', { kind: 'other', text: 'x' }, T0)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps facts to their workspace', async () => {
    const { ws, contact } = await buildContact(db);
    const fact = await addFact(db.kysely, ws, contact.id, { kind: 'interest', text: 'jazz' }, T0);
    const other = await buildWorkspace(db);
    await expect(editFact(db.kysely, other, fact.id, { text: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await listFacts(db.kysely, other)).toEqual([]);
  });
});
