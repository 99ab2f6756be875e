/**
 * Writes that race: requests arriving at the same moment each pass the service's uniqueness
 * check, and the database refuses all but one. The others get a 409 problem, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

describe.each(testDialects())('concurrent writes on %s', (dialect) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await setupApi(dialect);
  });
  afterAll(async () => f.close());

  it('creates one contact of an address posted six times at once; the others get 409', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        f.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: bearer(f.tokens.member), payload: { email: 'race@client.example', company: 'Race Ltd' } }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('conflict');
    const found = await f.app.inject({ url: '/api/v1/contacts/race@client.example', headers: bearer(f.tokens.viewer) });
    expect(found.statusCode).toBe(200);
  });
});
