import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildServer } from '../app/server.js';
import { importPaths } from '../import/import.service.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { createCampaign } from './campaigns.service.js';
import { sendCampaign } from './sender.js';
import { createList, subscribe } from './subscribers.service.js';
import { dsnMessage } from './test-newsletter.js';
import { startSmtpSink, type SmtpSink } from './test-smtp-sink.js';

const ISSUE = (n: number) => `---\nsubject: Week ${n}\n---\nRead the [pricing article](https://example.com/pricing).\n`;

/** The whole loop: a campaign really sent, its bounce imported, its links followed, the next campaign. */
describe.each(testDialects())('the newsletter loop (%s)', (dialect) => {
  let db: Db;
  let sink: SmtpSink;
  let ws: Workspace;
  let app: FastifyInstance;
  let dir: string;

  beforeEach(async () => {
    db = await createTestDb(dialect);
    sink = await startSmtpSink();
    ws = await updateWorkspaceSettings(db.kysely, await buildWorkspace(db), { public_url: 'https://crm.example.com' }, T0);
    await createList(db.kysely, ws, { name: 'Weekly', from_address: 'me@acme.example', from_name: 'Acme' }, T0);
    for (const email of ['ada@client.example', 'dead@client.example']) await subscribe(db.kysely, ws, 'Weekly', { email, confirmed: true }, 'cli', T0);
    app = await buildServer(db, { now: () => T0, webDist: null });
    dir = mkdtempSync(join(tmpdir(), 'rapport-loop-'));
  });
  afterEach(async () => {
    await app.close();
    await sink.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (n: number) => {
    const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: ISSUE(n) }, T0);
    await sendCampaign(db, ws, campaign.id, { smtp: { host: '127.0.0.1', port: sink.port, secure: false, user: 'u', password: 'p' }, rate: 0, concurrency: 1, clock: () => T0, retryBaseMs: 1 });
    return campaign;
  };
  const unfold = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/\r\n[ \t]+/g, ' ');

  it('a DSN for a sent issue suppresses the address and the next campaign skips it; its links, pixel and one-click work', async () => {
    await send(1);
    const dead = sink.received.find((m) => m.to === 'dead@client.example')!;
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(dead.raw)![1]!;
    const dsn = join(dir, 'bounce.eml');
    writeFileSync(dsn, dsnMessage('dead@client.example', messageId, 'failed', '5.1.1'));
    await importPaths(db, ws, [dsn], T0, { workers: 0 });

    // The reader's copy: click, pixel and one-click unsubscribe through the public pages.
    const ada = unfold(sink.received.find((m) => m.to === 'ada@client.example')!.raw);
    const click = /https:\/\/crm\.example\.com(\/p\/c\/[A-Za-z0-9._-]+)/.exec(ada)![1]!;
    const followed = await app.inject({ method: 'GET', url: click });
    expect(followed.statusCode).toBe(302);
    expect(followed.headers.location).toBe('https://example.com/pricing');
    const pixel = /https:\/\/crm\.example\.com(\/p\/o\/[A-Za-z0-9._-]+)/.exec(ada)![1]!;
    expect((await app.inject({ method: 'GET', url: pixel })).headers['content-type']).toBe('image/gif');

    sink.received.length = 0;
    await send(2);
    expect(sink.received.map((m) => m.to)).toEqual(['ada@client.example']);
    const events = await db.kysely.selectFrom('newsletter_events').select(['kind', 'url']).where('workspace_id', '=', ws.id).orderBy('kind').execute();
    expect(events).toEqual([
      { kind: 'bounce_hard', url: null },
      { kind: 'click', url: 'https://example.com/pricing' },
      { kind: 'open', url: null },
    ]);

    const oneClick = /^List-Unsubscribe: <https:\/\/crm\.example\.com(\/p\/u\/[^>]+)>/m.exec(unfold(sink.received[0]!.raw))![1]!;
    const res = await app.inject({ method: 'POST', url: oneClick, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    sink.received.length = 0;
    await send(3);
    expect(sink.received).toEqual([]);
  });
});
