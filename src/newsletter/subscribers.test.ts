import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import { parseSubscriberCsv, importSubscribers } from './subscriber-import.js';
import { changeSubscriberStatus, createList, isSuppressed, listLists, listSubscribers, subscribe, suppressAddress, unsubscribe } from './subscribers.service.js';

describe('parseSubscriberCsv', () => {
  it('reads email[,name] with or without a header and names every bad line', () => {
    expect(parseSubscriberCsv('Ada@Example.com,Ada\nbob@example.com\n')).toEqual([
      { line: 1, email: 'ada@example.com', name: 'Ada' },
      { line: 2, email: 'bob@example.com', name: null },
    ]);
    expect(parseSubscriberCsv('name,email\nAda,ada@example.com\n')).toEqual([{ line: 2, email: 'ada@example.com', name: 'Ada' }]);
    expect(() => parseSubscriberCsv('ok@example.com\nnot-an-address,X\n\nalso bad\n', 'subs.csv')).toThrow(
      /subs\.csv: 2 bad rows, nothing imported: line 2: "not-an-address" is not an email address; line 4: "also bad"/,
    );
  });
});

describe.each(testDialects())('lists and subscribers on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('creates a list with a random form key and refuses a second of the same name', async () => {
    const ws = await buildWorkspace(db);
    const a = await createList(db.kysely, ws, { name: 'Weekly' }, T0);
    const b = await createList(db.kysely, ws, { name: 'Monthly' }, T0);
    expect(a.form_key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.form_key).not.toBe(b.form_key);
    await expect(createList(db.kysely, ws, { name: 'Weekly' }, T0)).rejects.toMatchObject({ code: 'conflict' });
    expect((await listLists(db.kysely, ws)).map((l) => l.name)).toEqual(['Monthly', 'Weekly']);
  });

  it('subscribes lower-cased, links the contact, unsubscribes and resubscribes with timestamps', async () => {
    const { ws, contact } = await buildContact(db, undefined, { email: 'ada@client.example', name: 'Ada' });
    await createList(db.kysely, ws, { name: 'Weekly' }, T0);
    const sub = await subscribe(db.kysely, ws, 'Weekly', { email: 'ADA@Client.example' }, 'cli', T0);
    expect(sub).toMatchObject({ email: 'ada@client.example', contact_id: contact.id, status: 'unconfirmed', confirmed_at: null });
    const confirmed = await subscribe(db.kysely, ws, 'Weekly', { email: 'ada@client.example', confirmed: true }, 'cli', T0 + 1000);
    expect(confirmed).toMatchObject({ id: sub.id, status: 'confirmed', confirmed_at: new Date(T0 + 1000).toISOString() });
    const gone = await unsubscribe(db.kysely, ws, 'Weekly', 'Ada@client.example', T0 + 2000);
    expect(gone).toMatchObject({ status: 'unsubscribed', unsubscribed_at: new Date(T0 + 2000).toISOString(), status_changed_at: new Date(T0 + 2000).toISOString() });
    const back = await subscribe(db.kysely, ws, 'Weekly', { email: 'ada@client.example' }, 'form', T0 + 3000);
    expect(back).toMatchObject({ id: sub.id, status: 'unconfirmed', unsubscribed_at: null });
    const lists = await listLists(db.kysely, ws);
    expect(lists[0]!.subscribers).toMatchObject({ unconfirmed: 1, confirmed: 0 });
  });

  it('suppresses a bounced address on every list and refuses to subscribe it again', async () => {
    const ws = await buildWorkspace(db);
    await createList(db.kysely, ws, { name: 'A' }, T0);
    await createList(db.kysely, ws, { name: 'B' }, T0);
    const a = await subscribe(db.kysely, ws, 'A', { email: 'x@example.com', confirmed: true }, 'cli', T0);
    await subscribe(db.kysely, ws, 'B', { email: 'x@example.com', confirmed: true }, 'cli', T0);
    await suppressAddress(db.kysely, ws, 'X@example.com', 'bounced', '550 no such user', T0 + 1);
    expect(await isSuppressed(db.kysely, ws.id, 'x@example.com')).toBe(true);
    for (const list of ['A', 'B']) {
      const page = await listSubscribers(db.kysely, ws, list, { limit: 10 });
      expect(page.items.map((s) => s.status)).toEqual(['bounced']);
    }
    await expect(subscribe(db.kysely, ws, 'A', { email: 'x@example.com', confirmed: true }, 'cli', T0 + 2)).rejects.toMatchObject({ code: 'conflict' });
    await expect(changeSubscriberStatus(db.kysely, ws, a.id, 'confirmed', T0 + 2)).rejects.toMatchObject({ code: 'conflict' });
    await createList(db.kysely, ws, { name: 'C' }, T0);
    await expect(subscribe(db.kysely, ws, 'C', { email: 'x@example.com' }, 'form', T0 + 2)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('imports all or nothing: a bad line stores nothing; suppressed and present addresses are left as they are', async () => {
    const ws = await buildWorkspace(db);
    await createList(db.kysely, ws, { name: 'Weekly' }, T0);
    await expect(importSubscribers(db, ws, 'Weekly', 'a@example.com,A\nb@,B\n', { confirmed: true, file: 'in.csv' }, T0)).rejects.toMatchObject({
      code: 'validation',
      details: [{ where: 'in.csv:2', reason: '"b@" is not an email address' }],
    });
    expect((await listSubscribers(db.kysely, ws, 'Weekly', { limit: 10 })).items).toEqual([]);
    await subscribe(db.kysely, ws, 'Weekly', { email: 'gone@example.com', confirmed: true }, 'cli', T0);
    await unsubscribe(db.kysely, ws, 'Weekly', 'gone@example.com', T0);
    await suppressAddress(db.kysely, ws, 'spam@example.com', 'complained', '', T0);
    const result = await importSubscribers(db, ws, 'Weekly', 'email,name\na@example.com,A\nA@example.com,A again\ngone@example.com,\nspam@example.com,S\n', { confirmed: true }, T0);
    expect(result).toEqual({ list_id: expect.any(String), added: 1, already: 1, suppressed: ['spam@example.com'], status: 'confirmed' });
    const items = (await listSubscribers(db.kysely, ws, 'Weekly', { limit: 10 })).items;
    expect(items.map((s) => [s.email, s.status, s.source]).sort()).toEqual([
      ['a@example.com', 'confirmed', 'import'],
      ['gone@example.com', 'unsubscribed', 'cli'],
    ]);
  });

  it('pages subscribers by id', async () => {
    const ws = await buildWorkspace(db);
    await createList(db.kysely, ws, { name: 'Weekly' }, T0);
    await importSubscribers(db, ws, 'Weekly', 'a@x.example\nb@x.example\nc@x.example\n', { confirmed: false }, T0);
    const first = await listSubscribers(db.kysely, ws, 'Weekly', { limit: 2 });
    const second = await listSubscribers(db.kysely, ws, 'Weekly', { limit: 2, after: first.next! });
    expect([...first.items, ...second.items].map((s) => s.email).sort()).toEqual(['a@x.example', 'b@x.example', 'c@x.example']);
    expect(second.next).toBeNull();
  });
});
