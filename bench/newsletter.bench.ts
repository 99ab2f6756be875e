/**
 * `npm run bench -- newsletter`: a campaign sent through the ledger to a loopback SMTP server
 * (smtp-server), beside the server's own acceptance rate measured in the same run: nodemailer
 * SMTP connections blasting the same number of prebuilt messages with no database at all.
 * Targets: at least 1,000 sends/s, and at least half the server's rate. SQLite in a file (the
 * embedded engine); BENCH_RECIPIENTS to change the size (default 20,000; --quick 1,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { openDatabase } from '../src/db/database.js';
import { createCampaign } from '../src/newsletter/campaigns.service.js';
import { sendCampaign } from '../src/newsletter/sender.js';
import { SmtpLane } from '../src/newsletter/smtp-lanes.js';
import { importSubscribers } from '../src/newsletter/subscriber-import.js';
import { createList } from '../src/newsletter/subscribers.service.js';
import { startSmtpSink } from '../src/newsletter/test-smtp-sink.js';
import { createWorkspace, updateWorkspaceSettings } from '../src/workspaces/workspaces.service.js';
import { QUICK, record } from './report.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? (QUICK ? 1_000 : 20_000));
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

const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-newsletter-'));
const sink = await startSmtpSink({ keepRaw: false });
const smtp = { host: '127.0.0.1', port: sink.port, secure: false, user: null, password: null };
try {
  // The server's own rate: the same number of messages, same size, no ledger, same connections.
  const raw = await new MailComposer({ from: 'news@studio.example', to: 'x@example.com', subject: 'Issue 42', text: ISSUE, html: `<p>${ISSUE}</p>` }).compile().build();
  const lanes = Array.from({ length: CONCURRENCY }, () => new SmtpLane(smtp));
  let next = 0;
  const blastStart = performance.now();
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < RECIPIENTS) {
        const i = next++;
        await lane.send({ from: 'news@studio.example', to: `reader${i}@example.com` }, raw);
      }
    }),
  );
  const serverRate = RECIPIENTS / ((performance.now() - blastStart) / 1000);
  for (const lane of lanes) lane.close();
  sink.received.length = 0;

  const db = await openDatabase({ url: join(dir, 'bench.db') });
  const created = await createWorkspace(db.kysely, { name: 'Studio', me: ['me@studio.example'] }, T0);
  const ws = await updateWorkspaceSettings(db.kysely, created, { public_url: 'https://crm.studio.example' }, T0);
  await createList(db.kysely, ws, { name: 'Weekly', from_address: 'news@studio.example' }, T0);
  const csv = Array.from({ length: RECIPIENTS }, (_, i) => `reader${i}@example.com,Reader ${i}`).join('\n');
  await importSubscribers(db, ws, 'Weekly', csv, { confirmed: true }, T0);
  const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: ISSUE }, T0);
  const sendStart = performance.now();
  const stats = await sendCampaign(db, ws, campaign.id, { smtp, rate: 0, concurrency: CONCURRENCY });
  const seconds = (performance.now() - sendStart) / 1000;
  await db.close();
  if (stats.sent !== RECIPIENTS || sink.received.length !== RECIPIENTS) throw new Error(`sent ${stats.sent}, server got ${sink.received.length}, expected ${RECIPIENTS}`);
  const rate = RECIPIENTS / seconds;

  console.log(`${RECIPIENTS} recipients, ${CONCURRENCY} connections, ${load()}`);
  console.log(`server acceptance (no ledger): ${Math.round(serverRate)} messages/s`);
  console.log(`rapport campaign send (ledger, tracking, SQLite): ${Math.round(rate)} sends/s (${(rate / serverRate).toFixed(2)}× the server)`);
  record({ name: 'campaign send', value: rate, unit: 'sends/s', peer: { name: 'server acceptance', value: serverRate }, target: '≥ 1,000 and ≥ 0.5× server', met: rate >= 1000 && rate >= 0.5 * serverRate });
} finally {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
}

function load(): string {
  return `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}
