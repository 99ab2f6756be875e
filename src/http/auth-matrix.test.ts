/**
 * The access matrix: every route of /api/v1, walked with no credentials, with each role of
 * workspace A, and with workspace B's owner token. Routes come from the server's own route
 * table, so a new route is covered without editing this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRole } from '../auth/roles.js';
import { testDialects } from '../db/test-db.js';
import { ROLES, type Role } from '../workspaces/workspaces.schema.js';
import { PROBLEM_CONTENT_TYPE } from './error-handler.js';
import type { RouteEntry } from '../app/server.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { bodyFor, urlFor, VALID_BODIES } from './write-bodies.js';

function apiRoutes(f: ApiFixture): RouteEntry[] {
  return f.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.access !== 'public');
}

async function call(f: ApiFixture, route: RouteEntry, headers: Record<string, string>) {
  const body = bodyFor(route.method, route.url, f.ids);
  return f.app.inject({
    method: route.method as 'GET',
    url: urlFor(route.url, f.ids),
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe.each(testDialects())('access matrix on %s', (dialect) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await setupApi(dialect);
  });
  afterAll(async () => f.close());

  it('declares an access rule on every route, and no write route is open to viewers', () => {
    const routes = f.app.routeTable.filter((r) => r.url.startsWith('/api/v1/'));
    expect(routes.length).toBeGreaterThan(25);
    for (const r of routes) {
      expect(r.access, `${r.method} ${r.url}`).toBeDefined();
      if (r.method !== 'GET' && r.access !== 'public' && r.access !== 'session') expect(r.access, `${r.method} ${r.url}`).not.toBe('viewer');
      if (r.hasBody) expect(VALID_BODIES[`${r.method} ${r.url}`], `valid body for ${r.method} ${r.url} in write-bodies.ts`).toBeDefined();
    }
  });

  it('answers 401 with a problem document to every unauthenticated call', async () => {
    for (const route of apiRoutes(f)) {
      const res = await call(f, route, {});
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
      expect(res.json().code).toBe('unauthorized');
    }
  });

  it('answers 401 to an unknown or malformed bearer token', async () => {
    for (const authorization of ['Bearer rap_nope', 'Bearer', 'Basic abc', `Bearer ${f.tokens.owner}x`]) {
      const res = await f.app.inject({ url: '/api/v1/contacts', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it('refuses every role below the route\'s with 403, before looking at the body', async () => {
    for (const route of apiRoutes(f)) {
      for (const role of ROLES) {
        const access = route.access!;
        const refused = access === 'session' || (access !== 'any' && !hasRole(role, access as Role));
        if (!refused) continue;
        const res = await call(f, route, bearer(f.tokens[role]));
        expect(res.statusCode, `${role} ${route.method} ${route.url}`).toBe(403);
        expect(res.json().code).toBe('forbidden');
      }
    }
  });

  it('lets every role at or above the route\'s read it', async () => {
    for (const route of apiRoutes(f).filter((r) => r.method === 'GET' && r.access !== 'session')) {
      for (const role of ROLES.filter((r) => route.access === 'any' || hasRole(r, route.access as never))) {
        const res = await call(f, route, bearer(f.tokens[role]));
        expect(res.statusCode, `${role} GET ${route.url}: ${res.body}`).toBe(200);
      }
    }
  });

  it("never shows or changes workspace A's data with workspace B's token", async () => {
    const aIds = Object.values(f.ids);
    // Reads and writes first, deletes last so that every other route still finds A's data.
    const routes = apiRoutes(f).filter((r) => r.access !== 'session').sort((x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'));
    for (const route of routes) {
      const res = await call(f, route, bearer(f.otherToken));
      const label = `${route.method} ${route.url}: ${res.statusCode} ${res.body.slice(0, 200)}`;
      expect(res.statusCode, label).toBeLessThan(500);
      if (route.url.includes(':') || route.url === '/api/v1/interactions') {
        expect(res.statusCode, label).toBe(404);
      }
      // A 404 may echo the id that was asked for; anything else must not mention A's data.
      if (res.statusCode === 404) expect(res.json().code, label).toBe('not_found');
      else for (const id of [...aIds, f.a.id]) expect(res.body, label).not.toContain(id);
    }
    // A's data is untouched.
    const contact = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}`, headers: bearer(f.tokens.viewer) });
    expect(contact.json()).toMatchObject({ name: 'Ada', version: 1 });
    const hooks = await f.app.inject({ url: '/api/v1/webhooks', headers: bearer(f.tokens.admin) });
    expect(hooks.json()).toHaveLength(1);
    const timeline = await f.app.inject({ url: `/api/v1/interactions?contact=${f.ids.contactId}&limit=10`, headers: bearer(f.tokens.viewer) });
    expect(timeline.json()).toHaveLength(1);
  });

  it('finds a contact of A by address with A\'s token, but 404 with B\'s', async () => {
    const mine = await f.app.inject({ url: '/api/v1/contacts/ada@client.example', headers: bearer(f.tokens.viewer) });
    expect(mine.statusCode).toBe(200);
    const theirs = await f.app.inject({ url: '/api/v1/contacts/ada@client.example', headers: bearer(f.otherToken) });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ code: 'not_found', status: 404 });
  });
});
