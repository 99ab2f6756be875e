/** Exports over HTTP: the same files as `rapport export`, streamed, with formulas neutralised in CSV. */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { exportContacts } from '../import/contacts/contacts-export.js';
import { buildContact, T0 } from '../test/factories.js';
import { upsertContacts } from './contacts.service.js';

describe.each(testDialects())('contact exports on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
    await buildContact(f.db, f.a, { email: 'mallory@evil.example', name: '=HYPERLINK("http://evil.example","click")', company: '+Evil Corp', notes: '@SUM(A1:A9)', tags: ['-risky'] });
    await buildContact(f.db, f.a, { email: 'bea@client.example', name: 'Béatrice Ünal, PhD', phones: ['+33 1 23 45 67 89'] });
  });
  afterEach(async () => f.close());

  async function cliExport(format: 'vcard' | 'csv') {
    let text = '';
    await exportContacts(f.db, f.a, format, T0, (chunk) => {
      text += chunk;
    });
    return text;
  }

  it('serves every contact as vCard 4.0, byte for byte what the CLI writes', async () => {
    const res = await f.app.inject({ url: '/api/v1/exports/contacts.vcf', headers: bearer(f.tokens.viewer) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/vcard; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="contacts.vcf"');
    expect(res.body.match(/BEGIN:VCARD\r\nVERSION:4\.0\r\n/g)).toHaveLength(3);
    expect(res.body).toContain('FN:Béatrice Ünal\\, PhD');
    expect(res.body).toBe(await cliExport('vcard'));
  });

  it('serves CSV whose formula-like cells start with an apostrophe', async () => {
    const res = await f.app.inject({ url: '/api/v1/exports/contacts.csv', headers: bearer(f.tokens.viewer) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('name,email,emails,phones,company,tags,notes,kind,client_since,birthday');
    const mallory = lines.find((l) => l.includes('mallory@evil.example'))!;
    expect(mallory).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(mallory).toContain("'+Evil Corp");
    expect(mallory).toContain("'@SUM(A1:A9)");
    expect(mallory).toContain("'-risky");
    // A phone number starting with + is neutralised too: a spreadsheet would compute it.
    expect(lines.find((l) => l.includes('bea@client.example'))).toContain("'+33 1 23 45 67 89");
    expect(res.body).toBe(await cliExport('csv'));
  });

  it('streams a large address book whole, in the order of the CLI', async () => {
    const people = Array.from({ length: 1200 }, (_, i) => ({ email: `p${i}@many.example`, name: `Person ${String(i).padStart(4, '0')}` }));
    await upsertContacts(f.db.kysely, f.a, people, T0);
    const res = await f.app.inject({ url: '/api/v1/exports/contacts.vcf', headers: bearer(f.tokens.viewer) });
    expect(res.body.match(/END:VCARD\r\n/g)).toHaveLength(1203);
    expect(res.body).toBe(await cliExport('vcard'));
  });

  it('quotes line breaks and neutralises formulas on every line of every cell, as a CSV parser reads it', async () => {
    const hostile = [
      { name: 'Line Break', notes: "hello\n=cmd|' /C calc'!A0", tags: ['ok'] },
      { name: 'Carriage Return', notes: 'a\r+1+1\rb', company: '\r=HYPERLINK("x")' },
      { name: '  =SUM(1)', notes: '\t=1+1', tags: [' @cmd'] },
      { name: 'Full Width', notes: '＝1+1', company: '＋Evil', tags: ['－x', '＠y'] },
      { name: 'Quote "and" comma, here', notes: 'first\r\n-2+3\r\n  @last', phones: ['+1 555 0100'] },
      { name: 'Plain', notes: 'a=b, c-d @e' },
    ];
    for (const [i, c] of hostile.entries()) await buildContact(f.db, f.a, { email: `hostile${i}@client.example`, ...c });
    const count = (await f.app.inject({ url: '/api/v1/contacts?limit=2000', headers: bearer(f.tokens.viewer) })).json().length;
    const res = await f.app.inject({ url: '/api/v1/exports/contacts.csv', headers: bearer(f.tokens.viewer) });
    expect(res.body).toBe(await cliExport('csv'));
    const rows = parse(res.body, { relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual(['name', 'email', 'emails', 'phones', 'company', 'tags', 'notes', 'kind', 'client_since', 'birthday']);
    expect(rows.length - 1).toBe(count);
    for (const row of rows.slice(1)) {
      for (const cell of row) {
        for (const line of cell.split(/\r\n|\r|\n|\u2028|\u2029/)) expect(line, JSON.stringify(cell)).not.toMatch(/^(\s*[=+\-@＝＋－＠]|\t)/);
      }
    }
    const byEmail = new Map(rows.slice(1).map((r) => [r[1], r]));
    expect(byEmail.get('hostile0@client.example')![6]).toBe("hello\n'=cmd|' /C calc'!A0");
    expect(byEmail.get('hostile4@client.example')![0]).toBe('Quote "and" comma, here');
    expect(byEmail.get('hostile5@client.example')![6]).toBe('a=b, c-d @e');
  });

  it("exports only the caller's workspace", async () => {
    const res = await f.app.inject({ url: '/api/v1/exports/contacts.csv', headers: bearer(f.otherToken) });
    expect(res.statusCode).toBe(200);
    expect(res.body.trim().split('\r\n')).toHaveLength(1);
  });
});
