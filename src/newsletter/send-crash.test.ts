/**
 * Exactly once across a crash and across concurrent senders, with real processes: a
 * 2,000-recipient campaign to a loopback SMTP server; the `rapport newsletter campaign send`
 * process is killed with SIGKILL part way and run again; two processes send one campaign at
 * once on one PostgreSQL database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { openDatabase } from '../db/database.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { createWorkspace, updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { createCampaign } from './campaigns.service.js';
import { listSendRows } from './sends.repo.js';
import { importSubscribers } from './subscriber-import.js';
import { createList } from './subscribers.service.js';
import { startSmtpSink, type SmtpSink } from './test-smtp-sink.js';

const RECIPIENTS = 2000;
const T0 = Date.parse('2025-03-03T08:00:00Z');
const entry = fileURLToPath(new URL('../../test/rapport-dev.ts', import.meta.url));
const dir = mkdtempSync('/var/tmp/news-crash-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seed(url: string): Promise<{ campaignId: string; workspaceId: string }> {
  const db = await openDatabase({ url });
  try {
    const created = await createWorkspace(db.kysely, { name: 'Studio', me: ['me@studio.example'] }, T0);
    const ws = await updateWorkspaceSettings(db.kysely, created, { public_url: 'https://crm.studio.example' }, T0);
    await createList(db.kysely, ws, { name: 'Weekly', from_address: 'news@studio.example' }, T0);
    const csv = Array.from({ length: RECIPIENTS }, (_, i) => `reader${i}@example.com,Reader ${i}`).join('\n');
    await importSubscribers(db, ws, 'Weekly', csv, { confirmed: true }, T0);
    const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: '---\nsubject: Issue 1 for {{first_name}}\n---\nHello [there](https://studio.example/a).\n' }, T0);
    return { campaignId: campaign.id, workspaceId: ws.id };
  } finally {
    await db.close();
  }
}

function sendArgs(url: string, campaignId: string, sink: SmtpSink): string[] {
  return ['--db', url, '--json', 'newsletter', 'campaign', 'send', campaignId, '--smtp', `smtp://127.0.0.1:${sink.port}`, '--rate', '0', '--concurrency', '4'];
}

/** Starts a send and kills it with SIGKILL once the server has received `after` messages. */
function sendAndKill(args: string[], sink: SmtpSink, after: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setInterval(() => {
      if (sink.received.length >= after) child.kill('SIGKILL');
    }, 2);
    child.on('exit', (_code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the sender finished before it was killed: ${err}`));
    });
  });
}

function copiesByAddress(sink: SmtpSink): Map<string, number> {
  const copies = new Map<string, number>();
  for (const m of sink.received) copies.set(m.to, (copies.get(m.to) ?? 0) + 1);
  return copies;
}

async function ledger(url: string, key: { campaignId: string; workspaceId: string }) {
  const db = await openDatabase({ url, migrate: false });
  try {
    return await listSendRows(db.kysely, key);
  } finally {
    await db.close();
  }
}

describe.each(testDialects())('exactly once on %s', (dialect) => {
  async function database(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
    if (dialect === 'postgres') return createPostgresDatabaseUrl();
    return { url: join(dir, `${name}.db`), drop: async () => undefined };
  }

  it(`kill -9 part way through ${RECIPIENTS} recipients, run again: one copy each, and the ledger agrees`, { timeout: 240_000 }, async () => {
    const { url, drop } = await database('kill');
    const sink = await startSmtpSink({ keepRaw: false });
    try {
      const key = await seed(url);
      await sendAndKill(sendArgs(url, key.campaignId, sink), sink, 600);
      const atKill = sink.received.length;
      expect(atKill).toBeLessThan(RECIPIENTS);

      const resumed = await runCli(sendArgs(url, key.campaignId, sink));
      expect(resumed.code, resumed.stderr).toBe(0);
      const stats = json(resumed);
      expect(stats).toMatchObject({ status: 'sent', total: RECIPIENTS, pending: 0, claimed: 0, failed: 0 });

      const copies = copiesByAddress(sink);
      expect([...copies.values()].every((n) => n === 1)).toBe(true);
      const rows = await ledger(url, key);
      expect(rows).toHaveLength(RECIPIENTS);
      const uncertain = rows.filter((r) => r.status === 'uncertain');
      // Only what was claimed or not yet recorded at the kill: at most the lanes' claims (4 × 10) and a flush batch (50).
      expect(uncertain.length).toBeLessThanOrEqual(4 * 10 + 50);
      for (const r of rows.filter((r) => r.status === 'sent')) expect(copies.get(r.email)).toBe(1);

      // The operator checks the server's log: those it has are recorded as sent, the others released and sent.
      const arrived = uncertain.filter((r) => copies.has(r.email)).map((r) => r.email);
      const missing = uncertain.filter((r) => !copies.has(r.email)).map((r) => r.email);
      if (arrived.length > 0) expect((await runCli(['--db', url, 'newsletter', 'campaign', 'release', key.campaignId, '--as-sent', '--email', arrived.join(',')])).code).toBe(0);
      if (missing.length > 0) expect((await runCli(['--db', url, 'newsletter', 'campaign', 'release', key.campaignId, '--email', missing.join(',')])).code).toBe(0);
      const last = json(await runCli(sendArgs(url, key.campaignId, sink)));
      expect(last).toMatchObject({ sent: RECIPIENTS, uncertain: 0, status: 'sent' });
      const final = copiesByAddress(sink);
      expect(final.size).toBe(RECIPIENTS);
      expect([...final.values()].every((n) => n === 1)).toBe(true);
      expect((await ledger(url, key)).every((r) => r.status === 'sent' && final.get(r.email) === 1)).toBe(true);
    } finally {
      await sink.close();
      await drop();
    }
  });

  it.runIf(dialect === 'postgres')('two sender processes at once on one database find no recipient twice', { timeout: 240_000 }, async () => {
    const { url, drop } = await database('two');
    const sink = await startSmtpSink({ keepRaw: false });
    try {
      const key = await seed(url);
      const [a, b] = await Promise.all([runCli(sendArgs(url, key.campaignId, sink)), runCli(sendArgs(url, key.campaignId, sink))]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const copies = copiesByAddress(sink);
      expect(copies.size).toBe(RECIPIENTS);
      expect([...copies.entries()].filter(([, n]) => n > 1)).toEqual([]);
      const rows = await ledger(url, key);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
      // The one that finished last saw every copy recorded (the first may end while its partner still sends).
      expect(Math.max(json(a).sent, json(b).sent)).toBe(RECIPIENTS);
    } finally {
      await sink.close();
      await drop();
    }
  });
});
