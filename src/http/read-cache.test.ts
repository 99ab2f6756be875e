import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { buildServer } from '../app/server.js';
import { type ApiFixture, setupApi } from '../app/test-server.js';
import { T0 } from '../test/factories.js';

describe.skipIf(!testDialects().includes('postgres'))('read cache of servers sharing one PostgreSQL database', () => {
  let f: ApiFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('lets a client read its write through another server at once, though reads are cached for a minute', async () => {
    f = await setupApi('postgres', { readCacheMs: 60_000 });
    const other = await buildServer(f.db, { now: () => T0, webDist: null, readCacheMs: 60_000 });
    await other.ready();
    try {
      const auth = { authorization: `Bearer ${f.tokens.owner}` };
      const url = `/api/v1/contacts/${f.ids.contactId}`;
      const read = () => other.inject({ method: 'GET', url: '/api/v1/contacts', headers: auth });
      await read();
      const cached = await read();
      expect(cached.headers['x-cache']).toBe('hit');
      expect(cached.json().map((c: { name: string }) => c.name)).toContain('Ada');

      const edit = await f.app.inject({ method: 'PATCH', url, headers: { ...auth, 'content-type': 'application/json' }, payload: { name: 'Ada Lovelace' } });
      expect(edit.statusCode).toBe(200);
      // The notification crosses the database: allow it a moment, far below the cache's minute.
      let names: string[] = [];
      for (let i = 0; i < 50 && !names.includes('Ada Lovelace'); i++) {
        names = (await read()).json().map((c: { name: string }) => c.name);
        if (!names.includes('Ada Lovelace')) await new Promise((r) => setTimeout(r, 20));
      }
      expect(names).toContain('Ada Lovelace');
    } finally {
      await other.close();
    }
  });
});
