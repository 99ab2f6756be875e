/** `rapport user create`, `rapport token create|list|revoke` and `rapport serve`, run as real processes. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { openDatabase } from '../db/database.js';
import { buildServer } from '../app/server.js';

describe('account commands', () => {
  let dir: string;
  const rp = (...args: string[]) => runCli(['--data', dir, ...args], { env: { NEW_PASSWORD: 'a long enough password' } });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-accounts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a user and a token that the API accepts until it is revoked', { timeout: 120_000 }, async () => {
    expect((await rp('init', '--name', 'Acme', '--me', '@acme.example')).code).toBe(0);
    const user = json(await rp('user', 'create', 'Ann@Acme.example', '--name', 'Ann', '--role', 'admin', '--password-env', 'NEW_PASSWORD', '--json'));
    expect(user).toMatchObject({ email: 'ann@acme.example', name: 'Ann', role: 'admin' });
    const missing = await rp('user', 'create', 'bob@acme.example', '--password-env', 'NOT_SET_ANYWHERE');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOT_SET_ANYWHERE');

    const created = json(await rp('token', 'create', '--name', 'ci', '--role', 'viewer', '--json'));
    expect(created).toMatchObject({ name: 'ci', role: 'viewer', token: expect.stringMatching(/^rap_/) });
    const listed = await rp('token', 'list', '--json');
    expect(json(listed)).toEqual([expect.objectContaining({ id: created.id, revoked_at: null })]);
    expect(listed.stdout).not.toContain(created.token);

    const db = await openDatabase({ dataDir: dir });
    const app = await buildServer(db, { webDist: null });
    try {
      const headers = { authorization: `Bearer ${created.token}` };
      expect((await app.inject({ url: '/api/v1/contacts', headers })).statusCode).toBe(200);
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ann@acme.example', password: 'a long enough password' } });
      expect(login.json()).toMatchObject({ role: 'admin', workspace: { slug: 'acme' } });
      expect(json(await rp('token', 'revoke', created.id, '--json')).revoked_at).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 2100)); // the server's token cache lives 2 s
      expect((await app.inject({ url: '/api/v1/contacts', headers })).statusCode).toBe(401);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('makes tokens that act for the only owner, or the member named with --as', { timeout: 180_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'rapport-token-as-'));
    const run = (...args: string[]) => runCli(['--data', data, ...args], { env: { NEW_PASSWORD: 'a long enough password' } });
    try {
      expect((await run('init', '--name', 'Acme', '--me', '@acme.example')).code).toBe(0);
      for (const [email, role] of [['olive@acme.example', 'owner'], ['max@acme.example', 'member']]) {
        expect((await run('user', 'create', email!, '--role', role!, '--password-env', 'NEW_PASSWORD')).code).toBe(0);
      }
      const owners = json(await run('token', 'create', '--name', 'desk', '--json'));
      expect(owners).toMatchObject({ role: 'admin', created_by_email: 'olive@acme.example' });
      const max = json(await run('token', 'create', '--name', 'max', '--as', 'max@acme.example', '--json'));
      expect(max).toMatchObject({ role: 'member', created_by: expect.any(String), created_by_email: 'max@acme.example' });
      const tooStrong = await run('token', 'create', '--as', 'max@acme.example', '--role', 'admin');
      expect(tooStrong.code).toBe(1);
      expect(tooStrong.stderr).toContain('a member cannot create a token with the role admin');
      expect((await run('token', 'list')).stdout).toContain('max@acme.example');

      expect((await run('user', 'create', 'second@acme.example', '--role', 'owner', '--password-env', 'NEW_PASSWORD')).code).toBe(0);
      const ambiguous = await run('token', 'create');
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toContain('--as: acme has 2 owners');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('serve prints its URL and how to start on an empty database, and answers health', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rapport-serve-'));
    const entry = fileURLToPath(new URL('../../test/rapport-dev.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry, '--data', empty, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
        const onData = (d: Buffer) => {
          out += d;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match && out.includes('rapport demo')) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        child.stderr.on('data', onData);
        child.stdout.on('data', onData);
      });
      expect(out).toContain('rapport init');
      const res = await fetch(`${url}/api/v1/health`);
      expect(await res.json()).toEqual({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
