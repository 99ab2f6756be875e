/** Exports over HTTP: the same files as `rapport export`, streamed, with formulas neutralised in CSV. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../http/test-server.js';
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

  it("exports only the caller's workspace", async () => {
    const res = await f.app.inject({ url: '/api/v1/exports/contacts.csv', headers: bearer(f.otherToken) });
    expect(res.statusCode).toBe(200);
    expect(res.body.trim().split('\r\n')).toHaveLength(1);
  });
});
