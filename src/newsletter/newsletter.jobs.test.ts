/**
 * The newsletter's jobs on the queue of each engine: a scheduled campaign whose time came is
 * sent by the worker through the workspace's mail account, once, however often its job runs;
 * one past its late limit is not sent but marked missed, with when and why; active drips are run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import type { Queue } from '../jobs/jobs.types.js';
import { listJobs } from '../jobs/jobs.service.js';
import { openQueue } from '../jobs/queue.js';
import { createRegistry } from '../jobs/registry.js';
import { addAccount } from '../mail/accounts.service.js';
import { loadMailKey } from '../mail/secret-box.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { createCampaign, findCampaignOrThrow, scheduleCampaign } from './campaigns.service.js';
import { NEWSLETTER_JOBS, newsletterDueJob, sendCampaignJob } from './newsletter.jobs.js';
import { createList, subscribe } from './subscribers.service.js';
import { startSmtpSink, type SmtpSink } from './test-smtp-sink.js';

const MINUTE = 60_000;
const keySource = { secret: 'the mail key of the jobs test', dataDir: '/nonexistent' };
const services = { mailKey: () => loadMailKey(keySource), allowPrivateWebhooks: false };

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(testDialects())('newsletter jobs on %s', (dialect) => {
  let db: Db;
  let queue: Queue;
  let ws: Workspace;
  let sink: SmtpSink;
  let stop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    sink = await startSmtpSink();
    ws = await updateWorkspaceSettings(db.kysely, await buildWorkspace(db), { public_url: 'https://crm.example.com/' }, T0);
    await addAccount(db.kysely, ws, { imap: 'imap://me@127.0.0.1:1', smtp: `smtp://me@127.0.0.1:${sink.port}`, password: 'secret', address: 'me@acme.example' }, services.mailKey(), T0);
    queue = await openQueue(db, createRegistry(NEWSLETTER_JOBS));
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    await queue.close();
    await sink.close();
    await db.close();
  });

  async function scheduledCampaign(name: string, at: number): Promise<string> {
    const list = await createList(db.kysely, ws, { name, from_address: 'news@acme.example' }, T0);
    for (const who of ['ada', 'bo', 'cy']) await subscribe(db.kysely, ws, list.id, { email: `${who}.${name}@client.example`, confirmed: true }, 'cli', T0);
    const campaign = await createCampaign(db.kysely, ws, { list: list.id, markdown: `---\nsubject: ${name}\n---\nHello {{first_name|there}}.` }, T0);
    await scheduleCampaign(db.kysely, ws, campaign.id, new Date(at).toISOString(), T0);
    return campaign.id;
  }

  it('sends a scheduled campaign whose time came, once, and marks one past its late limit missed', async () => {
    const now = T0 + 24 * 60 * MINUTE;
    const due = await scheduledCampaign('due', now - 5 * MINUTE);
    const late = await scheduledCampaign('late', now - 7 * 60 * MINUTE);
    const ctx = { db, now: () => now, enqueue: queue.enqueue, services, signal: new AbortController().signal };
    // The cron's job, run twice (two workers in the same minute): one send job.
    await newsletterDueJob.run({}, ctx);
    await newsletterDueJob.run({}, ctx);
    expect((await listJobs(queue, {})).map((j) => [j.name, j.key])).toEqual([[sendCampaignJob.name, `campaign:${ws.id}:${due}`]]);
    stop = await queue.startWorker({ db, now: () => now, services });
    await until(async () => (await listJobs(queue, {})).length === 0, 'the send job to finish');
    expect(sink.received.map((m) => m.to).sort()).toEqual(['ada.due@client.example', 'bo.due@client.example', 'cy.due@client.example']);
    // The job again (at-least-once delivery): nobody gets a second copy.
    await queue.enqueue(sendCampaignJob.name, { workspace_id: ws.id, campaign_id: due });
    await until(async () => (await listJobs(queue, {})).length === 0, 'the repeated job to finish');
    expect(sink.received).toHaveLength(3);
    const statuses = await db.kysely.selectFrom('newsletter_campaigns').select(['id', 'status']).where('workspace_id', '=', ws.id).execute();
    expect(Object.fromEntries(statuses.map((c) => [c.id, c.status]))).toEqual({ [due]: 'sent', [late]: 'missed' });
    const missed = await findCampaignOrThrow(db.kysely, ws, late);
    expect(missed.missed_at).toBe(new Date(now).toISOString());
    expect(missed.missed_reason).toMatch(/^not started: it was scheduled for \d{4}-\d\d-\d\d \d\d:\d\d \(.+\) and would start 7\.0 h late, more than its limit of 6 h$/);
    expect(sink.received.filter((m) => m.to.includes('.late@'))).toEqual([]);
    // The cron again: a missed campaign is neither sent nor marked twice.
    await newsletterDueJob.run({}, { ...ctx, now: () => now + 5 * MINUTE });
    expect(await listJobs(queue, {})).toEqual([]);
    expect((await findCampaignOrThrow(db.kysely, ws, late)).missed_at).toBe(new Date(now).toISOString());
  }, 60_000);
});
