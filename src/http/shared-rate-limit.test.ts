/**
 * Servers sharing one PostgreSQL database enforce one rate limit between them: a client that
 * spreads its requests over two servers gets no more than from one, both for the per-address
 * limits and for failed sign-ins per account.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../app/server.js';
import { PASSWORD } from '../app/test-server.js';
import { createUser } from '../auth/users.service.js';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildWorkspace, T0 } from '../test/factories.js';

type Server = Awaited<ReturnType<typeof buildServer>>;

describe.skipIf(!testDialects().includes('postgres'))('rate limits of servers sharing one PostgreSQL database', () => {
  let db: Db;
  let servers: Server[];
  beforeEach(async () => {
    db = await createTestDb('postgres');
    const ws = await buildWorkspace(db);
    await createUser(db.kysely, ws, { email: 'ann@acme.example', role: 'admin', password: PASSWORD }, T0);
  });
  afterEach(async () => {
    for (const app of servers) await app.close();
    await db.close();
  });

  const login = (app: Server, email: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { email, password } });

  it('counts one address across servers', { timeout: 120_000 }, async () => {
    servers = await Promise.all([0, 1].map(() => buildServer(db, { now: () => T0, webDist: null, rateLimits: { login: 4, accountFailures: 100 } })));
    const [a, b] = servers as [Server, Server];
    for (const app of [a, b, a, b]) expect((await login(app, 'ann@acme.example', 'wrong password!', '203.0.113.7')).statusCode).toBe(401);
    // The fifth try in the minute, on either server, is refused; another address is not.
    expect((await login(a, 'ann@acme.example', PASSWORD, '203.0.113.7')).statusCode).toBe(429);
    expect((await login(b, 'ann@acme.example', PASSWORD, '203.0.113.7')).statusCode).toBe(429);
    expect((await login(b, 'ann@acme.example', PASSWORD, '203.0.113.8')).statusCode).toBe(200);
  });

  it('counts failed sign-ins of one account across servers and addresses, and a success clears them', { timeout: 120_000 }, async () => {
    servers = await Promise.all([0, 1].map(() => buildServer(db, { now: () => T0, webDist: null, rateLimits: { login: 100, accountFailures: 3 } })));
    const [a, b] = servers as [Server, Server];
    expect((await login(a, 'ann@acme.example', 'wrong password!', '198.51.100.1')).statusCode).toBe(401);
    expect((await login(b, 'ann@acme.example', 'wrong password!', '198.51.100.2')).statusCode).toBe(401);
    // Two failures: a success still passes, and clears the count on both servers.
    expect((await login(b, 'ann@acme.example', PASSWORD, '198.51.100.3')).statusCode).toBe(200);
    for (const [app, n] of [[a, 4], [b, 5], [a, 6]] as const) expect((await login(app, 'ann@acme.example', 'wrong password!', `198.51.100.${n}`)).statusCode).toBe(401);
    const limited = await login(b, 'Ann@acme.example', PASSWORD, '198.51.100.9');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
