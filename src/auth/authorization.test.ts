/**
 * Credentials bounded by their member: a token (and an invitation) is never stronger than the
 * member who made it is now; removal voids them. Members list their own tokens, admins all.
 * The first owner is created once under concurrent sign-ups; failed sign-ins are limited per
 * account; password hashes of old parameters are replaced at the next sign-in. A hash costs
 * 128 MiB and about half a second by design (seconds on a busy machine): tests that make
 * several get more time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildServer } from '../app/server.js';
import { bearer, PASSWORD, setupApi, type ApiFixture } from '../app/test-server.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import { findUserRowByEmail, updateUserPassword } from './auth.repo.js';
import { hashWith } from './passwords.js';
import { createToken, resolveTokenCreator } from './tokens.service.js';
import { createUser } from './users.service.js';

describe.each(testDialects())('tokens bounded by their creator on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  const userId = async (email: string) => (await findUserRowByEmail(f.db.kysely, email))!.id;
  const hook = { url: 'https://93.184.215.14/hook', events: ['interaction.created'] };

  it("caps an admin's token at viewer once the admin is demoted to viewer", async () => {
    const admin = bearer(f.tokens.admin);
    expect((await f.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin, payload: hook })).statusCode).toBe(201);
    const demoted = await f.app.inject({ method: 'PATCH', url: `/api/v1/members/${await userId('admin@alpha.example')}`, headers: bearer(f.tokens.owner), payload: { role: 'viewer' } });
    expect(demoted.statusCode, demoted.body).toBe(200);

    const refused = await f.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin, payload: hook });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('you are viewer') });
    expect((await f.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: admin, payload: { name: 'x', role: 'admin' } })).statusCode).toBe(403);
    expect((await f.app.inject({ url: '/api/v1/contacts', headers: admin })).statusCode).toBe(200);
  });

  it("revokes a removed member's tokens: no reads, no new tokens", async () => {
    const admin = bearer(f.tokens.admin);
    const removed = await f.app.inject({ method: 'DELETE', url: `/api/v1/members/${await userId('admin@alpha.example')}`, headers: bearer(f.tokens.owner) });
    expect(removed.statusCode, removed.body).toBe(200);
    const read = await f.app.inject({ url: '/api/v1/contacts', headers: admin });
    expect(read.statusCode).toBe(401);
    expect(read.json().code).toBe('unauthorized');
    const mint = await f.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: admin, payload: { name: 'escape', role: 'admin' } });
    expect(mint.statusCode).toBe(401);
  });

  it("ends a removed member's sessions in the workspace", async () => {
    const login = await f.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'member@alpha.example', password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    const cookies = Object.fromEntries(login.cookies.map((c) => [c.name, c.value]));
    expect((await f.app.inject({ url: '/api/v1/contacts', cookies })).statusCode).toBe(200);
    await f.app.inject({ method: 'DELETE', url: `/api/v1/members/${f.ids.userId}`, headers: bearer(f.tokens.owner) });
    const after = await f.app.inject({ url: '/api/v1/contacts', cookies });
    expect(after.statusCode).toBe(404);
  });

  it('lists members their own tokens and admins every token, with creators and last use', async () => {
    const mine = await f.app.inject({ url: '/api/v1/tokens', headers: bearer(f.tokens.member) });
    expect(mine.json()).toEqual([expect.objectContaining({ name: 'member', created_by: f.ids.userId, created_by_email: 'member@alpha.example' })]);
    const all = await f.app.inject({ url: '/api/v1/tokens', headers: bearer(f.tokens.admin) });
    const names = (all.json() as { name: string }[]).map((t) => t.name).sort();
    expect(names).toEqual(['admin', 'extra', 'member', 'owner', 'viewer']);
    expect(all.json()).toContainEqual(expect.objectContaining({ name: 'member', created_by_email: 'member@alpha.example', last_used_at: expect.any(String) }));
    expect(all.json()).toContainEqual(expect.objectContaining({ name: 'extra', created_by_email: 'owner@alpha.example', last_used_at: null }));
  });

  it('makes command-line tokens act for the only owner, or the member named', async () => {
    const owner = await resolveTokenCreator(f.db.kysely, f.a);
    expect(owner).toEqual({ userId: await userId('owner@alpha.example'), role: 'owner' });
    const member = await resolveTokenCreator(f.db.kysely, f.a, 'Member@Alpha.example');
    expect(member).toEqual({ userId: f.ids.userId, role: 'member' });
    await expect(resolveTokenCreator(f.db.kysely, f.a, 'owner@beta.example')).rejects.toMatchObject({ code: 'not_found' });
    await createUser(f.db.kysely, f.a, { email: 'second@alpha.example', role: 'owner' }, T0);
    await expect(resolveTokenCreator(f.db.kysely, f.a)).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('--as') });

    // The member revokes the token made for them on the command line.
    const made = await createToken(f.db.kysely, f.a, { name: 'cli', role: 'member' }, member, T0);
    const revoked = await f.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${made.id}`, headers: bearer(f.tokens.member) });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
  });

  it("caps an invitation at its sender's role now, and voids it once the sender is removed", async () => {
    const adminId = await userId('admin@alpha.example');
    const invite = async (email: string) =>
      (await f.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: bearer(f.tokens.admin), payload: { email, role: 'admin' } })).json().token as string;
    const first = await invite('first@alpha.example');
    const second = await invite('second@alpha.example');
    await f.app.inject({ method: 'PATCH', url: `/api/v1/members/${adminId}`, headers: bearer(f.tokens.owner), payload: { role: 'member' } });
    const accepted = await f.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: first, password: PASSWORD } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().role).toBe('member');

    await f.app.inject({ method: 'DELETE', url: `/api/v1/members/${adminId}`, headers: bearer(f.tokens.owner) });
    const voided = await f.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: second, password: PASSWORD } });
    expect(voided.statusCode).toBe(401);
    expect(voided.json().detail).toContain('has left the workspace');
  });

  it('keeps one owner when two owners demote each other at once', async () => {
    const second = await createUser(f.db.kysely, f.a, { email: 'second@alpha.example', role: 'owner' }, T0);
    const secondToken = (await createToken(f.db.kysely, f.a, { name: 's', role: 'owner' }, { userId: second.id, role: 'owner' }, T0)).token;
    const ownerId = await userId('owner@alpha.example');
    const results = await Promise.all([
      f.app.inject({ method: 'PATCH', url: `/api/v1/members/${second.id}`, headers: bearer(f.tokens.owner), payload: { role: 'admin' } }),
      f.app.inject({ method: 'PATCH', url: `/api/v1/members/${ownerId}`, headers: bearer(secondToken), payload: { role: 'admin' } }),
    ]);
    // The loser either finds the last other owner gone (409) or, when the winner committed
    // before its token was checked, finds itself no longer an owner (403).
    const [won, lost] = results.map((r) => r.statusCode).sort();
    expect(won).toBe(200);
    expect([403, 409]).toContain(lost);
    const members = (await f.app.inject({ url: '/api/v1/members', headers: bearer(f.tokens.viewer) })).json() as { role: string }[];
    expect(members.filter((m) => m.role === 'owner')).toHaveLength(1);
  });
});

describe.each(testDialects())('sign-up and sign-in on %s', (dialect) => {
  it('creates exactly one owner from six concurrent sign-ups; the others get 409', { timeout: 120_000 }, async () => {
    const db = await createTestDb(dialect);
    const app = await buildServer(db, { now: () => T0, webDist: null, rateLimits: { login: 100 } });
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/auth/signup',
            payload: { email: `owner${i}@acme.example`, password: PASSWORD, workspace: { name: `Acme ${i}`, me: ['@acme.example'] } },
          }),
        ),
      );
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
      for (const lost of results.filter((r) => r.statusCode === 409)) {
        expect(lost.headers['content-type']).toContain('application/problem+json');
        expect(lost.json()).toMatchObject({ code: 'conflict', detail: expect.stringContaining('sign-up is closed') });
      }
      const count = async (table: 'users' | 'workspaces') => Number((await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      expect(await count('users')).toBe(1);
      expect(await count('workspaces')).toBe(1);
      const late = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'late@acme.example', password: PASSWORD } });
      expect(late.statusCode).toBe(403);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('limits failed sign-ins per account across addresses, with Retry-After', { timeout: 120_000 }, async () => {
    const db = await createTestDb(dialect);
    const ws = await buildWorkspace(db);
    await createUser(db.kysely, ws, { email: 'ann@acme.example', role: 'admin', password: PASSWORD }, T0);
    await createUser(db.kysely, ws, { email: 'bob@acme.example', role: 'member', password: PASSWORD }, T0);
    const app = await buildServer(db, { now: () => T0, webDist: null, rateLimits: { accountFailures: 3 } });
    const login = (email: string, password: string, remoteAddress: string) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { email, password } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await login('ann@acme.example', 'wrong password!', `198.51.100.${i}`)).statusCode).toBe(401);
      const limited = await login('Ann@acme.example', PASSWORD, '198.51.100.200');
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('ann@acme.example') });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await login('bob@acme.example', PASSWORD, '198.51.100.201')).statusCode).toBe(200);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('rehashes a password stored with the old scrypt parameters at the next sign-in', { timeout: 120_000 }, async () => {
    const db = await createTestDb(dialect);
    const ws = await buildWorkspace(db);
    const user = await createUser(db.kysely, ws, { email: 'old@acme.example', role: 'member' }, T0);
    await updateUserPassword(db.kysely, user.id, await hashWith(PASSWORD, 16384, 8, 1));
    const app = await buildServer(db, { now: () => T0, webDist: null });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'old@acme.example', password: PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      const stored = (await findUserRowByEmail(db.kysely, 'old@acme.example'))!.password_hash!;
      expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
      const again = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'old@acme.example', password: PASSWORD } });
      expect(again.statusCode).toBe(200);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
