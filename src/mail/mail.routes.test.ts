import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, MAIL_PASSWORD, setupApi, type ApiFixture } from '../app/test-server.js';
import { bodyFor, urlFor } from '../http/write-bodies.js';

/** Every row of every table, as text: where a password in clear would show. */
async function dumpDatabase(f: ApiFixture): Promise<string> {
  const tables =
    f.db.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(f.db.kysely)).rows
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(f.db.kysely)).rows;
  let out = '';
  for (const { name } of tables) out += JSON.stringify((await sql`select * from ${sql.table(name)}`.execute(f.db.kysely)).rows);
  return out;
}

describe.each(testDialects())('mail accounts over HTTP (%s)', (dialect) => {
  let f: ApiFixture;
  let logs = '';
  const owner = () => bearer(f.tokens.owner);

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    f = await setupApi(dialect, { logger: { level: 'trace', stream } as never });
  });
  afterAll(async () => f.close());

  it('adds an account, lists it with its status, and never answers with its password', async () => {
    const created = await f.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: owner(),
      payload: { name: 'Work', imap: 'imaps://me%40alpha.example@imap.alpha.example', smtp: 'smtps://me%40alpha.example@smtp.alpha.example:465', password: MAIL_PASSWORD },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'Work',
      address: 'me@alpha.example',
      imap: 'imaps://me%40alpha.example@imap.alpha.example:993',
      smtp: 'smtps://me%40alpha.example@smtp.alpha.example:465',
      folders: null,
      history_days: 365,
      status: { state: 'never', last_success_at: null, folders: [] },
    });
    const listed = await f.app.inject({ url: '/api/v1/accounts', headers: bearer(f.tokens.member) });
    expect(listed.json().map((a: { name: string }) => a.name)).toEqual(['me@alpha.example', 'Work']);
  });

  it('answers bad account input with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ imap: 'http://me@x.example', smtp: 'smtp://me@x.example', password: 'x' }, /imap: expected imaps:\/\/ or imap:\/\//],
      [{ imap: 'imap://me:secret@x.example', smtp: 'smtp://me@x.example', password: 'x' }, /imap: put no password in the URL/],
      [{ imap: 'imap://x.example', smtp: 'smtp://me@x.example', password: 'x' }, /imap: the user is missing/],
      [{ imap: 'imap://me@x.example', smtp: 'smtp://me@x.example', password: 'x' }, /address: the IMAP user "me" is not an address/],
    ];
    for (const [payload, message] of cases) {
      const res = await f.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: owner(), payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().detail).toMatch(message);
    }
  });

  it('says which step of the connection test failed', async () => {
    const res = await f.app.inject({ method: 'POST', url: `/api/v1/accounts/${f.ids.accountId}/test`, headers: owner() });
    expect(res.statusCode).toBe(200);
    const [imap, smtp] = res.json().checks;
    expect(imap).toMatchObject({ server: 'imap', ok: false, failed: 'connect', message: 'connect: cannot reach 127.0.0.1:1: ECONNREFUSED' });
    expect(smtp).toMatchObject({ server: 'smtp', ok: true, failed: null });
  });

  it('records a failed sync in the account status and answers with the summary', async () => {
    const res = await f.app.inject({ method: 'POST', url: `/api/v1/accounts/${f.ids.accountId}/sync`, headers: bearer(f.tokens.member) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ read: 0, imported: 0, failures: [expect.stringMatching(/cannot reach 127\.0\.0\.1:1/)] });
    const account = await f.app.inject({ url: `/api/v1/accounts/${f.ids.accountId}`, headers: owner() });
    expect(account.json().status).toMatchObject({ state: 'error', last_success_at: null, last_error: expect.stringMatching(/^INBOX: connect: cannot reach/) });
  });

  it('sends a message to a contact, logs it as outbound at once, and uses the stored password', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/messages', headers: bearer(f.tokens.member), payload: { contact: f.ids.contactId, subject: 'Regatta', body: 'How was the **regatta**?' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ to: 'ada@client.example', subject: 'Regatta', appended_to_sent: false });
    const sent = f.smtp.received.at(-1)!;
    expect(sent.pass).toBe(MAIL_PASSWORD);
    const timeline = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/timeline`, headers: owner() });
    expect(JSON.stringify(timeline.json())).toContain(res.json().interaction_id);
  });

  it('finds the password nowhere: not in any answer, the logs, the audit log or any table', async () => {
    const answers: string[] = [];
    for (const route of f.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.access !== 'public' && r.method !== 'DELETE')) {
      const body = bodyFor(route.method, route.url, f.ids);
      const res = await f.app.inject({
        method: route.method as 'GET',
        url: urlFor(route.url, f.ids),
        headers: { ...owner(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      answers.push(`${route.method} ${route.url} ${res.statusCode} ${res.body}`);
    }
    expect(answers.join('\n')).toContain('/api/v1/accounts');
    for (const text of [answers.join('\n'), logs, await dumpDatabase(f)]) {
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toContain(MAIL_PASSWORD);
      expect(text).not.toContain(Buffer.from(MAIL_PASSWORD).toString('base64'));
    }
    expect(logs).toContain('/api/v1/accounts');
  });
});
