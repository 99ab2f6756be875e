/**
 * `npm run bench -- newsletter`: a campaign sent through the ledger to a loopback SMTP server
 * (smtp-server, in a process of its own), beside the server's own acceptance rate measured in
 * the same run: the same connections (nodemailer SMTP, one lane each) sending the same number
 * of copies of one recipient's message of this campaign (so the same size), with no ledger
 * and nothing built per message, half before the campaign's send and half after. Targets: at
 * least 1,000 sends/s, and at least half the server's rate. SQLite in a file (the embedded engine), or PostgreSQL with
 * BENCH_DATABASE_URL=postgres://… (an empty database); BENCH_RECIPIENTS to change the size
 * (default 20,000; --quick 3,000).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db/database.js';
import { buildCampaignMessage } from '../src/newsletter/campaign-message.js';
import { findCampaignRowOrThrow, messageContextOf, createCampaign } from '../src/newsletter/campaigns.service.js';
import { sendCampaign } from '../src/newsletter/sender.js';
import { SmtpLane } from '../src/newsletter/smtp-lanes.js';
import { importSubscribers } from '../src/newsletter/subscriber-import.js';
import { createList } from '../src/newsletter/subscribers.service.js';
import { createWorkspace, updateWorkspaceSettings } from '../src/workspaces/workspaces.service.js';
import { QUICK, record } from './report.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? (QUICK ? 3_000 : 20_000));
const WARM_UP = 300;
const CONCURRENCY = 8;
const T0 = Date.parse('2025-03-03T08:00:00Z');
const ISSUE = `---
subject: Issue 42 for {{first_name|you}}
preheader: Three things worth reading this week
---
# Hello {{first_name|there}}

This week: [how we price projects](https://studio.example/pricing), [a case study](https://studio.example/case) and a short note on **keeping in touch**.

${'A paragraph of the kind a weekly note has, long enough to weigh what a real issue weighs. '.repeat(12)}
`;

const url = process.env.BENCH_DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-newsletter-'));
const server = await startSinkProcess();
const smtp = { host: '127.0.0.1', port: server.port, secure: false, user: null, password: null };
try {
  const db = await openDatabase({ url: url ?? join(dir, 'bench.db') });
  const created = await createWorkspace(db.kysely, { name: 'Studio', me: ['me@studio.example'] }, T0);
  const ws = await updateWorkspaceSettings(db.kysely, created, { public_url: 'https://crm.studio.example' }, T0);
  await createList(db.kysely, ws, { name: 'Weekly', from_address: 'news@studio.example' }, T0);
  const csv = Array.from({ length: RECIPIENTS }, (_, i) => `reader${i}@example.com,Reader ${i}`).join('\n');
  await importSubscribers(db, ws, 'Weekly', csv, { confirmed: true }, T0);
  const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: ISSUE }, T0);

  // The server's own rate: one recipient's copy of this campaign, sent RECIPIENTS times.
  const ctx = await messageContextOf(db.kysely, ws, await findCampaignRowOrThrow(db.kysely, ws, campaign.id), 'https://crm.studio.example', T0);
  const sample = buildCampaignMessage(ctx, { subscriberId: 'ns_sample', email: 'reader0@example.com', data: { name: 'Reader 0', first_name: 'Reader', email: 'reader0@example.com' } }, T0);
  // Half before the send and half after: on a shared machine the load drifts during a run.
  await blast(sample.raw, WARM_UP);
  await server.reset();
  const half = Math.floor(RECIPIENTS / 2);
  let blastMs = await timed(() => blast(sample.raw, half));
  if ((await server.count()) !== half) throw new Error('the server did not receive every message of the blast');
  await server.reset();

  const sendStart = performance.now();
  const stats = await sendCampaign(db, ws, campaign.id, { smtp, rate: 0, concurrency: CONCURRENCY });
  const seconds = (performance.now() - sendStart) / 1000;
  await db.close();
  const received = await server.count();
  if (stats.sent !== RECIPIENTS || received !== RECIPIENTS) throw new Error(`sent ${stats.sent}, server got ${received}, expected ${RECIPIENTS}`);
  const rate = RECIPIENTS / seconds;

  await server.reset();
  blastMs += await timed(() => blast(sample.raw, RECIPIENTS - half));
  if ((await server.count()) !== RECIPIENTS - half) throw new Error('the server did not receive every message of the blast');
  const serverRate = RECIPIENTS / (blastMs / 1000);

  const engine = url ? 'PostgreSQL' : 'SQLite';
  console.log(`${RECIPIENTS} recipients, ${CONCURRENCY} connections, ${sample.raw.length} bytes a message, ${load()}`);
  console.log(`server acceptance (no ledger, same message): ${Math.round(serverRate)} messages/s`);
  console.log(`rapport campaign send (ledger, tracking, ${engine}): ${Math.round(rate)} sends/s (${(rate / serverRate).toFixed(2)}× the server)`);
  record({ name: `campaign send (${engine})`, value: rate, unit: 'sends/s', peer: { name: 'server acceptance', value: serverRate }, target: '≥ 1,000 and ≥ 0.5× server', met: rate >= 1000 && rate >= 0.5 * serverRate });
} finally {
  server.child.disconnect();
  rmSync(dir, { recursive: true, force: true });
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function blast(raw: Buffer, count: number): Promise<void> {
  const lanes = Array.from({ length: CONCURRENCY }, () => new SmtpLane(smtp));
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < count) {
        const i = next++;
        const outcome = await lane.send({ from: 'news@studio.example', to: `reader${i}@example.com` }, raw);
        if (outcome.kind !== 'sent') throw new Error(`the blast failed: ${outcome.error}`);
      }
    }),
  );
  for (const lane of lanes) lane.close();
}

async function startSinkProcess(): Promise<{ child: ChildProcess; port: number; count(): Promise<number>; reset(): Promise<number> }> {
  const child = fork(fileURLToPath(new URL('./smtp-sink-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  const ask = (question: string) =>
    new Promise<number>((resolve) => {
      child.once('message', (m: { count: number }) => resolve(m.count));
      child.send(question);
    });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the SMTP server process exited (${code})`)));
  });
  return { child, port, count: () => ask('count'), reset: () => ask('reset') };
}

function load(): string {
  return `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}
