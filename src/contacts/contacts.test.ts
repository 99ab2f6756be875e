import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../db/test-db.js';
import type { Db } from '../db/database.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import { createContact, editContact, findContactOrThrow, listContacts, upsertContacts } from './contacts.service.js';

describe.each(testDialects())('contacts on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('finds a contact by any address, whatever its case', async () => {
    const { ws, contact } = await buildContact(db, undefined, { email: 'Ada@Client.Example', emails: ['ada.l@home.example'], name: 'Ada Lovelace' });
    expect(contact.email).toBe('ada@client.example');
    expect((await findContactOrThrow(db.kysely, ws, 'ADA.L@home.example', T0)).id).toBe(contact.id);
    expect((await findContactOrThrow(db.kysely, ws, contact.id, T0)).name).toBe('Ada Lovelace');
  });

  it('refuses a second contact with a known address, naming it', async () => {
    const { ws } = await buildContact(db, undefined, { email: 'ada@client.example' });
    await expect(createContact(db.kysely, ws, { email: 'ADA@client.example' }, T0)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('ada@client.example'),
    });
  });

  it('rejects an invalid address with a validation error naming the field', async () => {
    const ws = await buildWorkspace(db);
    await expect(createContact(db.kysely, ws, { email: 'not-an-address' }, T0)).rejects.toMatchObject({
      code: 'validation',
      details: [{ where: 'email', reason: expect.stringContaining('email') }],
    });
  });

  it('upserts people once per address and merges by address', async () => {
    const ws = await buildWorkspace(db);
    const first = await upsertContacts(db.kysely, ws, [{ email: 'bo@x.example', name: 'Bo' }, { email: 'BO@x.example' }, { email: 'cy@x.example' }], T0);
    expect(first.created).toHaveLength(2);
    const second = await upsertContacts(db.kysely, ws, [{ email: 'cy@X.example' }, { email: 'di@x.example' }], T0);
    expect(second.created).toHaveLength(1);
    expect(second.byEmail.get('cy@x.example')).toBe(first.byEmail.get('cy@x.example'));
    const names = (await listContacts(db.kysely, ws, { sort: 'name' }, T0)).map((c) => c.name);
    expect(names).toEqual(['Bo', 'Cy', 'Di']);
  });

  it('edits with optimistic versions: a stale edit is refused', async () => {
    const { ws, contact } = await buildContact(db);
    const edited = await editContact(db.kysely, ws, contact.id, { company: 'Globex', tags: ['vip'] }, T0, contact.version);
    expect(edited).toMatchObject({ company: 'Globex', tags: ['vip'], version: contact.version + 1 });
    await expect(editContact(db.kysely, ws, contact.id, { name: 'X' }, T0, contact.version)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('keeps workspaces apart: the same address is a different contact in another workspace', async () => {
    const { ws: a } = await buildContact(db, undefined, { email: 'shared@client.example' });
    const b = await buildWorkspace(db);
    await expect(findContactOrThrow(db.kysely, b, 'shared@client.example', T0)).rejects.toMatchObject({ code: 'not_found' });
    await createContact(db.kysely, b, { email: 'shared@client.example' }, T0);
    expect(await listContacts(db.kysely, a, {}, T0)).toHaveLength(1);
  });

  it('derives the stage from kind, client_since and the honeymoon', async () => {
    const ws = await buildWorkspace(db);
    const day = 86_400_000;
    await createContact(db.kysely, ws, { email: 'p@x.example', kind: 'prospect' }, T0);
    await createContact(db.kysely, ws, { email: 'h@x.example', client_since: T0 - 10 * day }, T0);
    await createContact(db.kysely, ws, { email: 'e@x.example', client_since: T0 - 200 * day }, T0);
    await createContact(db.kysely, ws, { email: 'f@x.example', kind: 'personal' }, T0);
    const stages = Object.fromEntries((await listContacts(db.kysely, ws, {}, T0)).map((c) => [c.email, c.stage]));
    expect(stages).toEqual({ 'p@x.example': 'prospect', 'h@x.example': 'honeymoon', 'e@x.example': 'established', 'f@x.example': 'personal' });
    expect((await listContacts(db.kysely, ws, { stage: 'honeymoon' }, T0)).map((c) => c.email)).toEqual(['h@x.example']);
  });
});
