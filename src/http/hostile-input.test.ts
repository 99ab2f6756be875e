/**
 * Hostile input on every write route: oversized bodies, malformed JSON, wrong types, deep
 * nesting, prototype keys and unicode edge cases must each get a 4xx problem document,
 * never a 5xx. Routes come from the server's route table, bodies from write-bodies.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserRowByEmail } from '../auth/auth.repo.js';
import { createSession, csrfTokenFor } from '../auth/sessions.service.js';
import { testDialects } from '../db/test-db.js';
import { T0 } from '../test/factories.js';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.js';
import { PROBLEM_CONTENT_TYPE } from './error-handler.js';
import type { RouteEntry } from '../app/server.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { bodyFor, urlFor } from './write-bodies.js';

const BAD_STRINGS = ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy'];
const ODD_STRINGS = ['👩‍👩‍👧‍👦', '\u202eevil\u202c', 'e\u0301\u0301\u0301', '\ufeffbom', '\uffff', '𝕏𝕐', 'ﷺ', ' ', ''];
const WRONG_TYPES: unknown[] = [{}, [], 12345, true, { nested: { deep: 1 } }];
const WRONG_BODIES = ['[]', '"text"', '42', 'null', 'true', '[{"a":1}]'];

describe.each(testDialects())('hostile input on %s', (dialect) => {
  let f: ApiFixture;
  let writeRoutes: RouteEntry[];
  let ownerId: string;

  beforeAll(async () => {
    f = await setupApi(dialect, { rateLimits: { login: 100_000, failedAuth: 100_000, token: 100_000 } });
    writeRoutes = f.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'GET');
    ownerId = (await findUserRowByEmail(f.db.kysely, 'owner@alpha.example'))!.id;
  });
  afterAll(async () => f.close());

  /** Credentials the route accepts: a fresh owner session for session routes, else the owner token. */
  async function credentials(route: RouteEntry): Promise<Record<string, string>> {
    if (route.access === 'public') return {};
    if (route.access !== 'session') return bearer(f.tokens.owner);
    const { secret } = await createSession(f.db.kysely, ownerId, f.a.id, T0);
    return { cookie: `${SESSION_COOKIE}=${secret}`, [CSRF_HEADER]: csrfTokenFor(secret) };
  }

  async function send(route: RouteEntry, payload: string, contentType = 'application/json') {
    const res = await f.app.inject({
      method: route.method as 'POST',
      url: urlFor(route.url, f.ids),
      headers: { ...(await credentials(route)), 'content-type': contentType },
      payload,
    });
    const label = `${route.method} ${route.url} ${payload.slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
    expect(res.statusCode, label).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(res.headers['content-type'], label).toBe(PROBLEM_CONTENT_TYPE);
      expect(res.json(), label).toMatchObject({ status: res.statusCode, type: expect.stringMatching(/^urn:rapport:problem:/) });
    }
    return { res, label };
  }

  function withBody(route: RouteEntry) {
    return bodyFor(route.method, route.url, f.ids) as Record<string, unknown> | undefined;
  }

  it('refuses a body over the limit with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    for (const route of writeRoutes) {
      const { res, label } = await send(route, big);
      expect(res.statusCode, label).toBe(413);
      expect(res.json().code).toBe('payload_too_large');
    }
  });

  it('refuses malformed JSON, deep nesting, prototype keys and other media types with 4xx', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    for (const route of writeRoutes) {
      const valid = JSON.stringify(withBody(route) ?? {}).slice(1);
      for (const payload of ['{"a":', '{bad json}', deep, deepObject, `{"__proto__":{"isAdmin":true},${valid}`, `{"constructor":{"prototype":{"x":1}},${valid}`]) {
        const { res, label } = await send(route, payload);
        expect(res.statusCode, label).toBe(400);
        expect(res.json().code, label).toBe('bad_input');
      }
      // Uploads take any media type (CSV comes as text/plain): there the content is refused instead.
      const { res, label } = await send(route, 'name=x', 'text/plain');
      expect(res.statusCode, label).toBe(route.url === '/api/v1/imports' ? 400 : 415);
    }
  });

  it('refuses bodies of the wrong type and every field of the wrong type with a 400 naming it', async () => {
    for (const route of writeRoutes.filter((r) => withBody(r))) {
      for (const payload of WRONG_BODIES) {
        const { res, label } = await send(route, payload);
        expect(res.statusCode, label).toBe(400);
      }
      const valid = withBody(route)!;
      for (const key of Object.keys(valid)) {
        for (const wrong of WRONG_TYPES.filter((w) => typeof w !== typeof valid[key] || Array.isArray(w) !== Array.isArray(valid[key]))) {
          const { res, label } = await send(route, JSON.stringify({ ...valid, [key]: wrong }));
          expect(res.statusCode, label).toBe(400);
          expect(JSON.stringify(res.json().errors ?? res.json().detail), label).toContain(key);
        }
      }
    }
  });

  it('refuses NUL characters and lone surrogates in any string, and never fails on odd unicode', async () => {
    for (const route of writeRoutes.filter((r) => withBody(r))) {
      const valid = withBody(route)!;
      for (const key of Object.keys(valid).filter((k) => typeof valid[k] === 'string')) {
        for (const bad of BAD_STRINGS) {
          const { res, label } = await send(route, JSON.stringify({ ...valid, [key]: bad }));
          expect(res.statusCode, label).toBe(400);
        }
        for (const odd of ODD_STRINGS) await send(route, JSON.stringify({ ...valid, [key]: odd }));
      }
      for (const bad of BAD_STRINGS) {
        const { res, label } = await send(route, JSON.stringify({ ...valid, [bad]: 1 }));
        expect(res.statusCode, label).toBe(400);
      }
    }
  });

  it('refuses hostile path parameters and query strings with 4xx', async () => {
    const headers = bearer(f.tokens.owner);
    for (const url of ['/api/v1/contacts/%00', '/api/v1/contacts/%ED%A0%80', '/api/v1/contacts/%E0%A4%A', `/api/v1/contacts/${'x'.repeat(5000)}`,
      '/api/v1/contacts?q=%00', '/api/v1/contacts?limit=-1', '/api/v1/contacts?limit=abc', '/api/v1/contacts?cursor=%00', '/api/v1/contacts?cursor=bm9wZQ',
      '/api/v1/contacts?sort=__proto__', '/api/v1/contacts?__proto__=1', '/api/v1/audit?cursor=zzz', '/api/v1/contacts/x/timeline?before=yesterday']) {
      const res = await f.app.inject({ url, headers });
      expect(res.statusCode, `${url} → ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${url} → ${res.body}`).toBeLessThan(500);
      expect(res.headers['content-type'], url).toBe(PROBLEM_CONTENT_TYPE);
    }
  });
});
