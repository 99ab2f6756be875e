/**
 * Property-based fuzzing of the whole API: every operation of the OpenAPI document gets
 * generated hostile bodies, query strings and path ids (values of the wrong type, times out
 * of range, huge numbers and lists, odd unicode, LIKE wildcards, ids of the other
 * workspace). Whatever comes in, no answer is a 5xx, every error is a problem document, and
 * afterwards every list and export of the workspace still answers 200.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserRowByEmail } from '../auth/auth.repo.js';
import { createSession, csrfTokenFor } from '../auth/sessions.service.js';
import { testDialects } from '../db/test-db.js';
import { T0 } from '../test/factories.js';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.js';
import { PROBLEM_CONTENT_TYPE } from './error-handler.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { bodyFor } from './write-bodies.js';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
}

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  /** Routes for a signed-in user (workspaces, sessions) refuse API tokens: they get a session. */
  isSession: boolean;
  query: Record<string, JsonSchema>;
  body: JsonSchema | null;
}

/** Writes that would make the run slow rather than find anything (a demo writes thousands of rows). */
const SKIPPED = new Set(['POST /api/v1/demo']);
const RUNS = 2000;
/**
 * Routes whose work is talking to a mail server outside: when it cannot be reached (the
 * fuzz adds accounts whose servers do not exist), 503 "unavailable" is the right answer.
 */
const REACHES_OUT = new Set(['POST /api/v1/messages', 'POST /api/v1/accounts/{accountId}/test', 'POST /api/v1/accounts/{accountId}/sync']);
/** What the sweep puts in each field of each write: out-of-range times, wrong types, huge and odd values. */
const SWEEP_VALUES: unknown[] = [
  8640000000000001, -8640000000000001, 1e308, -1, 0, 0.5, '', ' ', '%', '+275760-09-13T00:00:00Z', '0000-01-01', '1899-12-31T23:59:59Z',
  'x'.repeat(5000), null, true, [], {}, Array.from({ length: 150 }, (_, i) => `x${i}`),
];

const HOSTILE_STRINGS = [
  '', ' ', '%', '_', '\\', '%_\\', "'; drop table contacts; --", '../../etc/passwd', '<script>alert(1)</script>', '=cmd|\' /C calc\'!A0',
  '＝1+1', '\u202eevil', '👩‍👩‍👧‍👦', 'e\u0301\u0301', '\ufeff', '\uffff', 'null', 'undefined', 'NaN', '-1', '1e309', '__proto__', 'constructor',
  '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '0000-01-01', '9999-12-31', '1899-12-31T23:59:59Z', '2200-01-02', '2025-02-30', '2025-01-06T09:00:00Z',
  'ada@client.example', 'ADA@CLIENT.EXAMPLE', 'x@y', 'http://127.0.0.1/', 'http://[::ffff:0:7f00:1]/', 'https://93.184.215.14/h', 'Europe/Berlin', 'Mars/Olympus',
];
const HOSTILE_NUMBERS = [0, -0, 1, -1, 0.5, 8640000000000001, -8640000000000001, 1e15, -1e15, 2 ** 53 + 2, -(2 ** 63), 1e308, Date.UTC(1900, 0, 1), Date.UTC(2200, 0, 1) + 1, 1736154000000];

/** The operations of the OpenAPI document, with what each takes. */
function operationsOf(sessionRoutes: Set<string>, doc: { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: JsonSchema }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const full = `/api/v1${path.startsWith('/api/v1') ? path.slice(7) : path}`;
      if (SKIPPED.has(`${method.toUpperCase()} ${full}`)) continue;
      ops.push({
        method: method.toUpperCase(),
        path: full,
        isSession: sessionRoutes.has(`${method.toUpperCase()} ${full}`),
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return ops;
}

function anyScalar(ids: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS, ...ids),
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
}

/** Values for a schema: mostly of its type, sometimes hostile within it, sometimes of any type. */
function valuesFor(schema: JsonSchema, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const wrong = depth > 2 ? anyScalar(ids) : fc.oneof(anyScalar(ids), fc.array(anyScalar(ids), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), anyScalar(ids), { maxKeys: 3 }));
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (variants.length > 0) return fc.oneof(...variants.map((v) => ({ weight: 4, arbitrary: valuesFor(v, ids, depth + 1) })), { weight: 1, arbitrary: wrong });
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: wrong });
  if (schema.const !== undefined) return fc.oneof({ weight: 4, arbitrary: fc.constant(schema.const) }, { weight: 1, arbitrary: wrong });
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  let typed: fc.Arbitrary<unknown>;
  switch (type) {
    case 'string':
      typed = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS, ...ids), fc.string({ maxLength: 60 }), fc.string({ minLength: 300, maxLength: 5000 }));
      break;
    case 'integer':
    case 'number':
      typed = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) }, fc.integer(), fc.integer({ min: 1, max: 100 }), fc.double({ noNaN: true }));
      break;
    case 'boolean':
      typed = fc.boolean();
      break;
    case 'array':
      typed = depth > 3 ? fc.constant([]) : fc.oneof(fc.array(valuesFor(schema.items ?? {}, ids, depth + 1), { maxLength: 4 }), fc.array(fc.constantFrom('x', 'vip', 'interest'), { minLength: 101, maxLength: 150 }));
      break;
    case 'object':
      typed = depth > 3 ? fc.constant({}) : objectOf(schema, ids, depth + 1);
      break;
    default:
      return wrong;
  }
  return fc.oneof({ weight: 5, arbitrary: typed }, { weight: 1, arbitrary: wrong });
}

function objectOf(schema: JsonSchema, ids: string[], depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, valuesFor(v, ids, depth)]));
  return fc.record(props, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}

let fresh = 0;

/**
 * A valid body of the operation with one or two fields replaced by generated values: the
 * request gets past validation often enough to reach services and storage.
 */
function mutatedBodyOf(op: Operation, ids: Record<string, string>, idValues: string[]): fc.Arbitrary<unknown> | null {
  const valid = bodyFor(op.method, op.path.replace(/\{(\w+)\}/g, ':$1'), ids) as Record<string, unknown> | undefined;
  const props = op.body?.properties;
  if (!valid || !props) return null;
  const keys = Object.keys(props);
  return fc.subarray(keys, { minLength: 1, maxLength: Math.min(2, keys.length) }).chain((picked) =>
    fc.tuple(...picked.map((k) => valuesFor(props[k]!, idValues))).map((values) => {
      fresh += 1;
      const base = 'email' in valid ? { ...valid, email: `fuzz${fresh}@client.example` } : valid;
      return { ...base, ...Object.fromEntries(picked.map((k, i) => [k, values[i]])) };
    }),
  );
}

function pathIdOf(name: string, ids: Record<string, string>, foreign: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(ids[name] ?? 'missing') },
    { weight: 2, arbitrary: fc.constantFrom(...foreign, 'ct_0000000000000000', '%', '_', '..', ' ', 'ada@client.example', 'x'.repeat(250), '\u202e') },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  );
}

function queryOf(query: Record<string, JsonSchema>, ids: string[]): fc.Arbitrary<Record<string, string>> {
  const values = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS.filter(Boolean), ...ids, '20', '0', '-5', '100000', 'bm9wZQ', 'health', 'name'), fc.string({ minLength: 1, maxLength: 30 }));
  return fc.record(Object.fromEntries(Object.keys(query).map((k) => [k, values])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}

describe.each(testDialects())('fuzzing every operation on %s', (dialect) => {
  let f: ApiFixture;
  let ops: Operation[];
  let foreignIds: string[];

  beforeAll(async () => {
    f = await setupApi(dialect, { rateLimits: { login: 1_000_000, failedAuth: 1_000_000, token: 1_000_000 }, readCacheMs: 0 });
    const sessionRoutes = new Set(f.app.routeTable.filter((r) => r.access === 'session').map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    ops = operationsOf(sessionRoutes, (await f.app.inject({ url: '/api/v1/openapi.json' })).json());
    const theirs = await f.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: bearer(f.otherToken), payload: { email: 'theirs@other.example' } });
    foreignIds = [theirs.json().id as string];
  });
  afterAll(async () => f.close());

  async function credentials(op: Operation): Promise<Record<string, string>> {
    if (!op.isSession) return bearer(f.tokens.owner);
    const owner = (await findUserRowByEmail(f.db.kysely, 'owner@alpha.example'))!;
    const { secret } = await createSession(f.db.kysely, owner.id, f.a.id, T0);
    return { cookie: `${SESSION_COOKIE}=${secret}`, [CSRF_HEADER]: csrfTokenFor(secret) };
  }

  /** After hostile writes, every list and export of the workspace still answers 200. */
  async function expectEveryListReadable() {
    const lists = ops.filter((op) => op.method === 'GET' && op.pathParams.length === 0 && !op.path.startsWith('/api/v1/auth/'));
    expect(lists.map((op) => op.path)).toEqual(expect.arrayContaining(['/api/v1/contacts', '/api/v1/today', '/api/v1/exports/contacts.csv', '/api/v1/exports/contacts.vcf']));
    for (const op of lists) {
      const query = op.path === '/api/v1/interactions' ? `?contact=${f.ids.contactId}` : '';
      const res = await f.app.inject({ url: op.path + query, headers: await credentials(op) });
      expect(res.statusCode, `${op.path} → ${res.body.slice(0, 300)}`).toBe(200);
    }
  }

  /** Send `body` to `op` and check what comes back: never a 5xx, errors as problem documents. */
  async function expectHandled(op: Operation, url: string, body: unknown) {
    const res = await f.app.inject({
      method: op.method as 'GET',
      url,
      headers: { ...(await credentials(op)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const label = `${op.method} ${url} ${JSON.stringify(body)?.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    if (res.statusCode >= 400) expect(res.headers['content-type'], label).toBe(PROBLEM_CONTENT_TYPE);
    if (res.statusCode === 503 && REACHES_OUT.has(`${op.method} ${op.path}`)) expect(res.json().code, label).toBe('unavailable');
    else expect(res.statusCode, label).toBeLessThan(500);
  }

  it('answers every field of every write, set to each hostile value in turn, without a 5xx', async () => {
    // Random runs reach a given field of a given route rarely; this sweep reaches each one.
    let sent = 0;
    for (const op of ops.filter((o) => o.body?.properties)) {
      const valid = bodyFor(op.method, op.path.replace(/\{(\w+)\}/g, ':$1'), f.ids) as Record<string, unknown> | undefined;
      if (!valid) continue;
      const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(f.ids[name] ?? 'missing'));
      for (const key of Object.keys(op.body!.properties!)) {
        for (const value of SWEEP_VALUES) {
          fresh += 1;
          const base = 'email' in valid && key !== 'email' ? { ...valid, email: `sweep${fresh}@client.example` } : valid;
          await expectHandled(op, url, { ...base, [key]: value });
          sent += 1;
        }
      }
    }
    expect(sent).toBeGreaterThan(500);
    await expectEveryListReadable();
  }, 240_000);

  it('answers no 5xx, only problem documents for errors, and leaves every list and export readable', async () => {
    expect(ops.length).toBeGreaterThan(50);
    expect(ops.filter((op) => op.isSession).length).toBeGreaterThan(3);
    const idValues = [...Object.values(f.ids), ...foreignIds];
    const bodyArbitrary = (op: Operation, idValues: string[]): fc.Arbitrary<unknown> => {
      if (!op.body) return fc.constant(undefined);
      const mutated = mutatedBodyOf(op, f.ids, idValues);
      return fc.oneof(
        { weight: mutated ? 8 : 0, arbitrary: mutated ?? fc.constant({}) },
        { weight: 3, arbitrary: valuesFor(op.body, idValues) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      );
    };
    // Writes get three times the runs of reads: they are where bad input can be stored.
    const weighted = ops.flatMap((op) => (op.body ? [op, op, op] : [op]));
    const request = fc.constantFrom(...weighted).chain((op) =>
      fc.record({
        op: fc.constant(op),
        params: fc.record(Object.fromEntries(op.pathParams.map((p) => [p, pathIdOf(p, f.ids, foreignIds)]))) as fc.Arbitrary<Record<string, string>>,
        query: queryOf(op.query, idValues),
        body: bodyArbitrary(op, idValues),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ op, params, query, body }) => {
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
        const qs = new URLSearchParams(query).toString();
        const url = qs ? `${path}?${qs}` : path;
        await expectHandled(op, url, body);
      }),
      { numRuns: RUNS },
    );

    await expectEveryListReadable();
  }, 240_000);
});
