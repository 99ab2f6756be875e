/**
 * Walks every mail file of ../shared/corpora through `importPaths`: each gives a summary,
 * malformed messages are listed with a reason, nothing crashes or hangs.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { importPaths, type ImportFormat } from './import.service.js';
import type { ImportSummary } from './import.types.js';
import { CORPORA } from '../test/corpora.js';

const NOW = Date.parse('2025-03-06T12:00:00Z');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && !/(^|\/)(LICENSE[^/]*|SOURCE\.md)$/.test(f))
    .sort();
}

/** Every mail file of the corpora and the format to read it as. */
function mailFiles(): { path: string; format: ImportFormat }[] {
  const out: { path: string; format: ImportFormat }[] = [];
  for (const f of filesUnder(join(CORPORA, 'email-threads-apache-lists'))) out.push({ path: f, format: 'mbox' });
  for (const sub of ['default', 'threading', 'broken']) out.push({ path: join(CORPORA, 'email-threads-notmuch-maildir', sub), format: 'maildir' });
  for (const set of ['mime-mikel-mail', 'mime-mimekit', 'mime-nodemailer-mailparser']) {
    for (const f of filesUnder(join(CORPORA, set))) out.push({ path: f, format: f.includes('/mbox/') ? 'mbox' : 'eml' });
  }
  for (const f of filesUnder(join(CORPORA, 'reply-quoting-talon'))) if (f.endsWith('.eml')) out.push({ path: f, format: 'eml' });
  return out;
}

describe.each(testDialects())('the mail corpora on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  const summaries = new Map<string, ImportSummary>();
  beforeAll(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db, { me: ['me@acme.example'] });
    for (const { path, format } of mailFiles()) summaries.set(relative(CORPORA, path), await importPaths(db, ws, [path], NOW, { format, workers: 0 }));
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });

  it('imports every mail file with a consistent summary; malformed messages carry a reason', () => {
    expect(summaries.size).toBeGreaterThan(170);
    for (const [file, s] of summaries) {
      expect(s.read, file).toBeGreaterThan(0);
      expect(s.imported + s.duplicates + s.malformed, file).toBe(s.read);
      expect(s.errors.length, file).toBe(s.malformed);
      for (const e of s.errors) expect(e.reason, file).not.toBe('');
    }
    const total = [...summaries.values()].reduce((n, s) => n + s.imported, 0);
    const malformed = [...summaries.entries()].filter(([, s]) => s.malformed > 0).map(([f]) => f);
    expect(total).toBeGreaterThan(700);
    expect(malformed.length).toBeLessThan(10);
  });

  it('counts the archives exactly, and the same message from 3 archive back-ends once', () => {
    expect(summaries.get('email-threads-apache-lists/mbox/maven-dev-2017-11-mboxvm.mbox')).toMatchObject({ read: 317, malformed: 0 });
    expect(summaries.get('email-threads-apache-lists/mbox/commits_ponymail_apache_org_2016-06.mbox')).toMatchObject({ read: 82, automated: 82, contacts_created: 0 });
    // 8 files, 3 messages each written by up to 3 archive back-ends: each stored once.
    const variants = [...summaries].filter(([f]) => f.includes('format-variants/')).map(([, s]) => s);
    expect(variants).toHaveLength(8);
    expect(variants.reduce((n, s) => n + s.imported, 0)).toBeLessThanOrEqual(3);
    expect(variants.reduce((n, s) => n + s.imported + s.duplicates, 0)).toBe(8);
  });

  it('decodes legacy charsets and RFC 2047 / RFC 6532 headers', async () => {
    const subjects = (await db.kysely.selectFrom('interactions').select('subject').where('workspace_id', '=', ws.id).execute()).map((r) => r.subject);
    expect(subjects).toContain('まみむめも'); // ISO-2022-JP
    expect(subjects).toContain('日本語メールテスト (testing Japanese emails)');
    expect(subjects).toContain('Säying Hello'); // RFC 6532 UTF-8 header
  });

  it('dates a message without Date by when it was received, and turns HTML-only mail into text', async () => {
    const inferred = await db.kysely.selectFrom('interactions').select('source').where('date_inferred', '=', 1).execute();
    expect(inferred.map((r) => r.source).join(' ')).toMatch(/bad_date|string_in_date|example13/);
    // This one has neither Date nor From: without a sender it is listed, not guessed.
    expect(summaries.get('email-threads-apache-lists/edge-cases/no_date.mbox')!.errors).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('no sender') }),
    ]);
    const html = await db.kysely.selectFrom('interactions').select(['body', 'excerpt']).where('source', 'like', '%nexus-html-only.mbox').execute();
    expect(html.some((r) => (r.excerpt ?? '').length > 20 && !/<\w+/.test(r.excerpt ?? ''))).toBe(true);
  });

  it('records attachments by name and size only', async () => {
    const rows = await db.kysely.selectFrom('interactions').select('attachments').where('source', 'like', '%attachment_pdf.eml').executeTakeFirstOrThrow();
    const attachments = JSON.parse(rows.attachments) as { name: string; size: number }[];
    expect(attachments).toEqual([expect.objectContaining({ name: expect.stringMatching(/\.pdf$/i), size: expect.any(Number) })]);
    expect(attachments[0]!.size).toBeGreaterThan(1000);
  });
});
