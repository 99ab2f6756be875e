/**
 * Accounts over HTTP: first-owner sign-up, password login, session cookies with rotation,
 * CSRF on cookie writes, logout here and everywhere, invitations, login rate limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildServer } from '../app/server.js';
import { CSRF_HEADER, SESSION_COOKIE, WORKSPACE_HEADER } from '../http/auth.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import { GRACE_MS, ROTATE_MS } from './sessions.service.js';

const PASSWORD = 'correct horse battery';

function cookieOf(res: { cookies: { name: string; value: string }[] }): string | undefined {
  return res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
}

describe.each(testDialects())('accounts and sessions on %s', (dialect) => {
  let db: Db;
  let app: FastifyInstance;
  let now: number;

  beforeEach(async () => {
    db = await createTestDb(dialect);
    now = T0;
    app = await buildServer(db, { now: () => now, webDist: null, rateLimits: { login: 5 } });
  });
  afterEach(async () => {
    await app.close();
    await db.close();
  });

  async function signUp() {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'Owner@Acme.example', password: PASSWORD, name: 'Olive', workspace: { name: 'Acme', me: ['@acme.example'] } },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { res, cookie: cookieOf(res)!, csrf: res.json().csrf_token as string };
  }

  it('signs up the first owner with a workspace, then closes sign-up', async () => {
    const { res, cookie } = await signUp();
    expect(res.json()).toMatchObject({ user: { email: 'owner@acme.example', name: 'Olive' }, role: 'owner', workspace: { slug: 'acme' } });
    const set = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(set).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const session = await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: cookie } });
    expect(session.json().user.email).toBe('owner@acme.example');
    const again = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'eve@x.example', password: PASSWORD } });
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe('forbidden');
  });

  it('makes the first owner the owner of workspaces made with rapport init', async () => {
    const ws = await buildWorkspace(db, { name: 'Made by CLI', slug: 'cli' });
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'me@x.example', password: PASSWORD } });
    expect(res.json()).toMatchObject({ role: 'owner', workspace: { id: ws.id } });
  });

  it('logs in with the right password only, without telling which part was wrong', async () => {
    await signUp();
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@acme.example', password: 'not the password' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@acme.example', password: PASSWORD } });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'OWNER@acme.example', password: PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect(cookieOf(ok)).toMatch(/^rses_/);
  });

  // Five password hashes of 128 MiB each: seconds on a busy machine.
  it('rate-limits login attempts from one address with 429', { timeout: 120_000 }, async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x@acme.example', password: 'nope nope nope' } })).statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('requires the CSRF token for cookie-authenticated writes', async () => {
    const { cookie, csrf } = await signUp();
    const payload = { email: 'grace@client.example' };
    const without = await app.inject({ method: 'POST', url: '/api/v1/contacts', cookies: { [SESSION_COOKIE]: cookie }, payload });
    expect(without.statusCode).toBe(403);
    expect(without.json().detail).toContain('CSRF');
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/contacts', cookies: { [SESSION_COOKIE]: cookie }, headers: { [CSRF_HEADER]: 'x' }, payload });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/contacts', cookies: { [SESSION_COOKIE]: cookie }, headers: { [CSRF_HEADER]: csrf }, payload });
    expect(ok.statusCode).toBe(201);
  });

  it('rotates the session secret, keeps the old one valid for a grace period only', async () => {
    const { cookie } = await signUp();
    now += ROTATE_MS + 1;
    const rotated = await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: cookie } });
    const next = cookieOf(rotated);
    expect(next).toBeDefined();
    expect(next).not.toBe(cookie);
    expect((await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: cookie } })).statusCode).toBe(200);
    now += GRACE_MS + 1;
    expect((await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: cookie } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: next! } })).statusCode).toBe(200);
  });

  it('logs out this session, and everywhere', async () => {
    const first = await signUp();
    const login = async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@acme.example', password: PASSWORD } });
      return { cookie: cookieOf(res)!, csrf: res.json().csrf_token as string };
    };
    const second = await login();
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { [SESSION_COOKIE]: second.cookie }, headers: { [CSRF_HEADER]: second.csrf } });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: second.cookie } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: first.cookie } })).statusCode).toBe(200);
    const third = await login();
    const all = await app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', cookies: { [SESSION_COOKIE]: third.cookie }, headers: { [CSRF_HEADER]: third.csrf } });
    expect(all.statusCode).toBe(204);
    for (const c of [first.cookie, third.cookie]) expect((await app.inject({ url: '/api/v1/auth/session', cookies: { [SESSION_COOKIE]: c } })).statusCode).toBe(401);
  });

  it('answers 404 when a session asks for a workspace the user is not in', async () => {
    const { cookie } = await signUp();
    await buildWorkspace(db, { name: 'Other', slug: 'other' });
    const res = await app.inject({ url: '/api/v1/contacts', cookies: { [SESSION_COOKIE]: cookie }, headers: { [WORKSPACE_HEADER]: 'other' } });
    expect(res.statusCode).toBe(404);
  });

  it('invites a viewer who accepts, signs in, reads but cannot write', async () => {
    const { cookie, csrf } = await signUp();
    const auth = { cookies: { [SESSION_COOKIE]: cookie }, headers: { [CSRF_HEADER]: csrf } };
    const invited = await app.inject({ method: 'POST', url: '/api/v1/invitations', ...auth, payload: { email: 'vera@acme.example', role: 'viewer' } });
    expect(invited.statusCode).toBe(201);
    const token = invited.json().token as string;
    const listed = await app.inject({ url: '/api/v1/invitations', ...auth });
    expect(listed.body).not.toContain(token);
    const accepted = await app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: PASSWORD, name: 'Vera' } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ role: 'viewer', user: { email: 'vera@acme.example' } });
    const vera = { cookies: { [SESSION_COOKIE]: cookieOf(accepted)! }, headers: { [CSRF_HEADER]: accepted.json().csrf_token } };
    expect((await app.inject({ url: '/api/v1/contacts', ...vera })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/contacts', ...vera, payload: { email: 'a@b.example' } })).statusCode).toBe(403);
    const reuse = await app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: PASSWORD } });
    expect(reuse.statusCode).toBe(401);
    const members = await app.inject({ url: '/api/v1/members', ...auth });
    expect(members.json().map((m: { email: string; role: string }) => `${m.email}:${m.role}`)).toEqual(['owner@acme.example:owner', 'vera@acme.example:viewer']);
  });

  it('keeps at least one owner', async () => {
    const { cookie, csrf, res } = await signUp();
    const me = res.json().user.id;
    const auth = { cookies: { [SESSION_COOKIE]: cookie }, headers: { [CSRF_HEADER]: csrf } };
    const demote = await app.inject({ method: 'PATCH', url: `/api/v1/members/${me}`, ...auth, payload: { role: 'admin' } });
    expect(demote.statusCode).toBe(409);
    const remove = await app.inject({ method: 'DELETE', url: `/api/v1/members/${me}`, ...auth });
    expect(remove.statusCode).toBe(409);
  });
});
