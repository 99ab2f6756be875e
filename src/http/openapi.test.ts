/** The OpenAPI document: valid OpenAPI 3.1 (checked by a maintained validator) and complete. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../app/server.js';
import { setupApi, type ApiFixture } from '../app/test-server.js';

describe('OpenAPI document', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await setupApi('sqlite');
  });
  afterAll(async () => f.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await f.app.inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every API route with its method, and documents problem replies', async () => {
    const doc = (await f.app.inject({ url: '/api/v1/openapi.json' })).json();
    const routes = f.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && !r.hidden);
    expect(routes.length).toBeGreaterThan(25);
    for (const r of routes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${path}`).toBeDefined();
      if (r.access !== 'public') expect(Object.keys(op.responses), `${r.method} ${path}`).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('serves a browsable reference page at /api/docs', async () => {
    const page = await f.app.inject({ url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger');
    const init = await f.app.inject({ url: '/api/docs/static/swagger-initializer.js' });
    expect(init.body).toContain('/api/v1/openapi.json');
  });

  it('answers unknown API paths with a 404 problem and sets security headers', async () => {
    const res = await f.app.inject({ url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found', status: 404 });
    const health = await f.app.inject({ url: '/api/v1/health' });
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['content-security-policy']).toContain("default-src 'self'");
    expect(health.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('serves the web app with an SPA fallback for non-API paths only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Rapport</title>');
    const app = await buildServer(f.db, { webDist: dir });
    try {
      for (const url of ['/', '/contacts/ct_1', '/today?x=1']) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toContain('<title>Rapport</title>');
      }
      const api = await app.inject({ url: '/api/v1/nothing-here' });
      expect(api.statusCode).toBe(404);
      expect(api.json().code).toBe('not_found');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
