import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContact, listContacts, upsertContacts } from '../../contacts/contacts.service.js';
import type { Db } from '../../db/database.js';
import { createTestDb, testDialects } from '../../db/test-db.js';
import { buildWorkspace, T0 } from '../../test/factories.js';
import { contactsToCsvRows } from './csv-write.js';
import { exportContacts } from './contacts-export.js';
import { importCsvFile, importVcardFile } from './index.js';
import { normalizeCard, splitCards } from './vcard-lines.js';
import { readVcard } from './vcard-read.js';
import { CORPORA } from '../../test/corpora.js';

const EZ = join(CORPORA, 'vcard-ez-vcard/io/text');
const NODE_VCF = join(CORPORA, 'vcard-icaljs-node-vcf/node-vcf');
const ICALJS_VCF = join(CORPORA, 'vcard-icaljs-node-vcf/icaljs');
const ROUNDCUBE = join(CORPORA, 'contacts-csv-roundcube');

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rapport-ct-')), name);
  writeFileSync(path, content);
  return path;
}

async function expectedCards(path: string) {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const drafts = [];
  for await (const card of splitCards(lines)) drafts.push(readVcard(normalizeCard(card)).draft);
  return drafts;
}

describe.each(testDialects())('contact import on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  const byEmail = async (ws: Awaited<ReturnType<typeof buildWorkspace>>, email: string) =>
    (await listContacts(db.kysely, ws, {}, T0)).find((c) => c.emails.includes(email));

  it('imports every vCard of the corpora, 2.1 to 4.0, and reports unusable cards with their place', async () => {
    const ws = await buildWorkspace(db);
    const files = [
      ...readdirSync(EZ).filter((f) => f.endsWith('.vcf')).map((f) => join(EZ, f)),
      ...readdirSync(NODE_VCF).filter((f) => f.endsWith('.vcf')).map((f) => join(NODE_VCF, f)),
      ...readdirSync(ICALJS_VCF).map((f) => join(ICALJS_VCF, f)),
    ];
    let malformed: { where: string; reason: string }[] = [];
    for (const file of files) {
      const summary = await importVcardFile(db, ws, file, {}, T0);
      expect(summary.read, file).toBeGreaterThan(0);
      expect(summary.imported + summary.duplicates + summary.malformed, file).toBe(summary.read);
      malformed = malformed.concat(summary.errors.filter((e) => e.reason.includes('no name')));
    }
    // photo-base64, quoted-list (a phone only) and vcard_grouped carry neither a name nor an address.
    expect(malformed.map((e) => e.where.split(' ')[0]).sort()).toEqual(['photo-base64.vcf', 'quoted-list.vcf', 'vcard_grouped.vcf']);

    const outlook = await byEmail(ws, 'jdoe@hotmail.com');
    expect(outlook).toMatchObject({ name: 'John Doe III', company: 'Company, The', notes: 'This is the note field!!\nSecond line\n\nThird line is empty' });
    expect(outlook?.phones).toEqual(['BusinessPhone', 'HomePhone', 'MobilePhone', 'BusinessFaxPhone']);
    const facts = await db.kysely.selectFrom('facts').selectAll().where('contact_id', '=', outlook!.id).execute();
    expect(facts).toMatchObject([{ kind: 'important_date', text: 'Birthday', date: '1980-03-21', yearly: 1, origin: 'import:vcard' }]);
    // 2.1 quoted-printable UTF-8 with a soft line break, and a bare TYPE=PREF parameter.
    expect((await byEmail(ws, 'bob@company.com'))?.name).toBe('Ñ Ñ Ñ Ñ');
    expect((await byEmail(ws, 'forrestgump@example.com'))?.name).toBe('Forrest Gump');
    // vCard 4.0 with an escaped semicolon, CATEGORIES and a year-less birthday.
    expect(await byEmail(ws, 'home@gmx.de')).toMatchObject({ name: 'First Last NextCloud', tags: ['Test-Kontakte'], emails: ['home@gmx.de', 'work@gmx.de'] });
    // A card without an address is kept by its name.
    expect((await listContacts(db.kysely, ws, {}, T0)).some((c) => c.name === 'John Doe' && c.company === 'Acme Solutions')).toBe(true);
  });

  it('re-importing the same files changes nothing and duplicates nothing', async () => {
    const ws = await buildWorkspace(db);
    const files = [join(EZ, 'John_Doe_ANDROID.vcf'), join(NODE_VCF, 'multiple.vcf'), join(EZ, 'outlook-2003.vcf'), join(EZ, 'John_Doe_BLACK_BERRY.vcf')];
    for (const f of files) await importVcardFile(db, ws, f, {}, T0);
    const before = await listContacts(db.kysely, ws, {}, T0);
    const factCount = async () => (await db.kysely.selectFrom('facts').select('id').execute()).length;
    const factsBefore = await factCount();
    for (const f of files) {
      const again = await importVcardFile(db, ws, f, {}, T0 + 1000);
      expect(again.imported, f).toBe(0);
      expect(again.contacts_created).toBe(0);
    }
    expect(await listContacts(db.kysely, ws, {}, T0)).toEqual(before);
    expect(await factCount()).toBe(factsBefore);
  });

  it('merges three cards of the same person into one contact (multiple.vcf)', async () => {
    const ws = await buildWorkspace(db);
    const summary = await importVcardFile(db, ws, join(NODE_VCF, 'multiple.vcf'), {}, T0);
    expect(summary).toMatchObject({ read: 3, contacts_created: 1, imported: 2, duplicates: 1, malformed: 0 });
    const [erika] = await listContacts(db.kysely, ws, {}, T0);
    expect(erika?.phones).toEqual(['+49-221-9999123', '+49-221-1234567', '(0221) 9999123', '(0221) 1234567']);
  });

  it('fills empty fields and adds addresses, phones and tags, never overwriting what the user set', async () => {
    const ws = await buildWorkspace(db);
    const mine = await createContact(db.kysely, ws, { email: 'ada@client.example', name: 'Ada (mine)', notes: 'my note', company: 'Mine Co', tags: ['vip'] }, T0);
    const { byEmail: auto } = await upsertContacts(db.kysely, ws, [{ email: 'grace.hopper@navy.example' }], T0);
    const file = tempFile(
      'merge.vcf',
      [
        'BEGIN:VCARD', 'VERSION:3.0', 'FN:Ada Lovelace', 'EMAIL;TYPE=work:ADA@Client.Example', 'EMAIL:ada@home.example',
        'TEL:+44 1', 'ORG:Other Co', 'NOTE:their note', 'CATEGORIES:math,vip', 'BDAY:1815-12-10', 'END:VCARD',
        'BEGIN:VCARD', 'VERSION:3.0', 'FN:Rear Admiral Grace Hopper', 'EMAIL:grace.hopper@navy.example', 'END:VCARD',
      ].join('\r\n'),
    );
    const summary = await importVcardFile(db, ws, file, {}, T0);
    expect(summary).toMatchObject({ read: 2, imported: 2, contacts_created: 0 });
    const ada = await byEmail(ws, 'ada@client.example');
    expect(ada).toMatchObject({ id: mine.id, name: 'Ada (mine)', notes: 'my note', company: 'Mine Co', email: 'ada@client.example' });
    expect(ada?.emails).toEqual(['ada@client.example', 'ada@home.example']);
    expect(ada?.phones).toEqual(['+44 1']);
    expect(ada?.tags).toEqual(['vip', 'math']);
    // A name Rapport made up from the address gives way to the real one.
    expect((await byEmail(ws, 'grace.hopper@navy.example'))).toMatchObject({ id: auto.get('grace.hopper@navy.example'), name: 'Rear Admiral Grace Hopper' });
  });

  it('imports each CSV export like the vCard Roundcube expects from it', async () => {
    for (const name of ['gmail', 'outlook', 'tb_plain', 'all', 'email']) {
      const ws = await buildWorkspace(db);
      const summary = await importCsvFile(db, ws, join(ROUNDCUBE, `${name}.csv`), {}, T0);
      expect(summary.malformed, name).toBe(0);
      const contacts = await listContacts(db.kysely, ws, {}, T0);
      const expected = await expectedCards(join(ROUNDCUBE, `${name}.vcf`));
      expect(contacts.map((c) => [...c.emails].sort()).sort(), name).toEqual(expected.map((d) => [...d.emails].sort()).sort());
      for (const card of expected.filter((d) => d.name)) {
        expect(contacts.find((c) => c.emails.includes(card.emails[0]!))?.name, name).toBe(card.name);
      }
    }
  });

  it('reads Google, Thunderbird and Roundcube extras: primary address, tags, birthdays', async () => {
    const ws = await buildWorkspace(db);
    await importCsvFile(db, ws, join(ROUNDCUBE, 'gmail.csv'), {}, T0);
    await importCsvFile(db, ws, join(ROUNDCUBE, 'tb_plain.csv'), {}, T0);
    await importCsvFile(db, ws, join(ROUNDCUBE, 'all.csv'), {}, T0);
    const gmail = await byEmail(ws, 'home@aaa.pl');
    expect(gmail).toMatchObject({ email: 'home@aaa.pl', company: 'company', notes: 'note"note', tags: ['My Contacts', 'Test'] });
    const dates = await db.kysely.selectFrom('facts').select(['date', 'origin']).orderBy('date').execute();
    expect(dates).toEqual([
      { date: '1970-11-15', origin: 'import:csv' },
      { date: '1975-12-12', origin: 'import:csv' },
      { date: '1991-01-20', origin: 'import:csv' },
    ]);
  });

  it('maps a generic semicolon CSV with --map and reports the rows it cannot use', async () => {
    const ws = await buildWorkspace(db);
    const file = tempFile(
      'crm.csv',
      '\uFEFFKlant;Mail;Telefoon;Soort;Sinds;Opmerking\r\n"Jan; de Vries";jan@x.example;+31 6 1;prospect;2024-03-01;"regel 1\nregel 2"\r\n;;;;;\r\n;not-an-address;;;;\r\n',
    );
    const summary = await importCsvFile(db, ws, file, { map: { name: 'Klant', email: 'mail', phone: 'Telefoon', kind: 'Soort', client_since: 'Sinds', notes: 'Opmerking' } }, T0);
    expect(summary).toMatchObject({ read: 2, imported: 1, malformed: 1 });
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        { where: 'crm.csv:5', reason: 'no name and no valid email address' },
        { where: 'crm.csv:5', reason: 'skipped "not-an-address": not a valid email address' },
      ]),
    );
    expect(await byEmail(ws, 'jan@x.example')).toMatchObject({ name: 'Jan; de Vries', phones: ['+31 6 1'], kind: 'prospect', client_since: '2024-03-01T00:00:00.000Z', notes: 'regel 1\nregel 2' });
    await expect(importCsvFile(db, ws, file, { map: { name: 'Client' } }, T0)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringContaining('no column "Client"'),
    });
    await expect(importCsvFile(db, ws, file, { map: { nickname: 'Klant' } }, T0)).rejects.toThrow(/unknown field "nickname"/);
    await expect(importCsvFile(db, ws, '/nonexistent/x.csv', {}, T0)).rejects.toThrow(/cannot read \/nonexistent\/x.csv: no such file/);
  });

  it('round-trips: export vCard and CSV, import into a fresh workspace, same contacts', async () => {
    const ws = await buildWorkspace(db);
    await importVcardFile(db, ws, join(EZ, 'thunderbird-MoreFunctionsForAddressBook-extension.vcf'), {}, T0);
    await importVcardFile(db, ws, join(ICALJS_VCF, 'vcard3.vcf'), {}, T0);
    await importVcardFile(db, ws, join(ICALJS_VCF, 'vcard.vcf'), {}, T0);
    await createContact(db.kysely, ws, { email: 'eve@x.example', name: '=HYPERLINK("x")', notes: 'a;b,c\\d\nline 2 ' + 'é'.repeat(80), tags: ['-x'], kind: 'personal' }, T0);
    const strip = (list: Awaited<ReturnType<typeof listContacts>>) =>
      list.map(({ name, emails, phones, company, notes, tags }) => ({ name, emails, phones, company, notes, tags }));
    const original = strip(await listContacts(db.kysely, ws, {}, T0));
    for (const format of ['vcard', 'csv'] as const) {
      let text = '';
      await exportContacts(db, ws, format, T0, (chunk) => {
        text += chunk;
      });
      if (format === 'vcard') for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      if (format === 'csv') expect(text).toContain(`'=HYPERLINK`);
      const fresh = await buildWorkspace(db);
      const file = tempFile(`export.${format === 'vcard' ? 'vcf' : 'csv'}`, text);
      const summary = format === 'vcard' ? await importVcardFile(db, fresh, file, {}, T0) : await importCsvFile(db, fresh, file, {}, T0);
      expect(summary.malformed, format).toBe(0);
      expect(strip(await listContacts(db.kysely, fresh, {}, T0)), format).toEqual(original);
      const dates = async (id: string) => (await db.kysely.selectFrom('facts').select('date').where('workspace_id', '=', id).orderBy('date').execute()).map((f) => f.date);
      expect(await dates(fresh.id), format).toEqual(await dates(ws.id));
    }
  });
});

describe('csv formula protection', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 6', "'+31 6"],
    ['-x', "'-x"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['plain', 'plain'],
  ])('%j is written as %j', (cell, expected) => {
    const text = contactsToCsvRows([{ name: cell, emails: [], phones: [], company: null, notes: null, tags: [], kind: 'customer', client_since: null, birthday: null }], false);
    expect((parse(text) as string[][])[0]?.[0]).toBe(expected);
  });
});
