import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../auth/users.service.js';
import { listContacts } from '../contacts/contacts.service.js';
import type { Db, Dialect } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import { getContactHealth } from '../health/health.service.js';
import { resolveWorkspace } from '../workspaces/workspaces.service.js';
import { exportWorkspace, importWorkspace } from './workspace-archive.service.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');

async function snapshot(db: Db, slug: string) {
  const ws = await resolveWorkspace(db.kysely, slug);
  const contacts = await listContacts(db.kysely, ws, { sort: 'name' }, NOW);
  const health = [];
  for (const c of contacts) health.push(await getContactHealth(db.kysely, ws, c.id, NOW));
  return { settings: ws.settings, contacts, health };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-archive-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(testDialects())('workspace archive from %s', (dialect: Dialect) => {
  it.each(testDialects())('moves one workspace into %s with its members and without credentials', async (target: Dialect) => {
    const source = await createTestDb(dialect);
    const other = await createTestDb(target);
    try {
      const { workspace } = await generateDemo(source, { contacts: 10, seed: 9, now: NOW });
      await generateDemo(source, { contacts: 3, seed: 1, now: NOW, slug: 'other' });
      await createUser(source.kysely, workspace, { email: 'ada@acme.example', name: 'Ada', role: 'admin', password: 'correct horse battery' }, NOW);
      // The same person already has an account in the target installation.
      const { workspace: home } = await generateDemo(other, { contacts: 2, seed: 4, now: NOW, slug: 'home' });
      const ada = await createUser(other.kysely, home, { email: 'ada@acme.example', role: 'owner' }, NOW);

      const file = join(dir, `${dialect}-${target}.json`);
      const written = await exportWorkspace(source, workspace, file);
      expect(written.rows).toBeGreaterThan(10);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('correct horse');
      expect(text).not.toMatch(/password_hash|token_hash/);
      expect(JSON.parse(text).tables.contacts).toHaveLength(10);

      const result = await importWorkspace(other, file);
      expect(result).toMatchObject({ slug: 'demo', users_created: 0 });
      expect(await snapshot(other, 'demo')).toEqual(await snapshot(source, 'demo'));
      const memberships = await other.kysely.selectFrom('memberships').selectAll().where('user_id', '=', ada.id).orderBy('role').execute();
      expect(memberships.map((m) => m.role)).toEqual(['admin', 'owner']);

      await expect(importWorkspace(other, file)).rejects.toThrow(/already in this database/);
      await expect(importWorkspace(source, file, { slug: 'copy' })).rejects.toThrow(/already in this database/);
    } finally {
      await source.close();
      await other.close();
    }
  });

  it('refuses a file that is not an archive, and one with a row of another workspace, storing nothing', async () => {
    const source = await createTestDb(dialect);
    const other = await createTestDb(dialect);
    try {
      const { workspace } = await generateDemo(source, { contacts: 3, seed: 2, now: NOW });
      const notArchive = join(dir, `${dialect}-not.json`);
      writeFileSync(notArchive, '{"hello": 1}');
      await expect(importWorkspace(other, notArchive)).rejects.toThrow(/not a workspace archive/);
      const file = join(dir, `${dialect}-tampered.json`);
      await exportWorkspace(source, workspace, file);
      const archive = JSON.parse(readFileSync(file, 'utf8'));
      archive.tables.contacts[1].workspace_id = 'ws_someone_else';
      writeFileSync(file, JSON.stringify(archive));
      await expect(importWorkspace(other, file)).rejects.toThrow(/row of another workspace/);
      expect(await other.kysely.selectFrom('workspaces').selectAll().execute()).toEqual([]);
    } finally {
      await source.close();
      await other.close();
    }
  });
});
