/**
 * The jobs scenario of the roles test: N jobs of each kind enqueued the way users cause them
 * (uploads through the API, events that make webhook deliveries, digests, rescores of
 * workspaces whose day turned, mail sync of accounts on a loopback IMAP server), then their
 * effects counted in the outside world (the loopback receivers) and in the data, never in
 * the queue's bookkeeping.
 */
import { createServer, type Server } from 'node:http';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { createToken } from '../auth/tokens.service.js';
import { createUser } from '../auth/users.service.js';
import type { Db } from '../db/database.js';
import { createContact } from '../contacts/contacts.service.js';
import type { Queue } from '../jobs/jobs.types.js';
import { rescoreWorkspaceJob } from '../health/health.jobs.js';
import { addAccount } from '../mail/accounts.service.js';
import { loadMailKey } from '../mail/secret-box.js';
import type { TestDovecot } from '../mail/test-dovecot.js';
import type { TestSmtp } from '../mail/test-smtp.js';
import { sendDigestJob } from '../suggestions/suggestions.jobs.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import { emitEvents, createWebhook } from '../webhooks/webhooks.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';

export const SECRET = 'the mail key of the jobs scenario';
export const MAIL_MESSAGES = 3;

/** A loopback webhook receiver: counts requests per webhook-id; `failing` answers 500. */
export interface HookReceiver {
  url: string;
  ids: Map<string, number>;
  total: () => number;
  failing: boolean;
  close(): Promise<void>;
}

export async function startHookReceiver(): Promise<HookReceiver> {
  const ids = new Map<string, number>();
  const receiver = { ids, failing: false } as HookReceiver;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (receiver.failing) {
        res.writeHead(500).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      ids.set(id, (ids.get(id) ?? 0) + 1);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  receiver.total = () => [...ids.values()].reduce((a, b) => a + b, 0);
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

export interface Scenario {
  n: number;
  a: Workspace;
  token: string;
  rescored: Workspace[];
  synced: Workspace[];
}

/** Workspace A (an admin token, a webhook, a mail account on the loopback SMTP), N workspaces due a rescore, and workspaces with an IMAP account. */
export async function seedScenario(db: Db, n: number, world: { hooks: HookReceiver; smtp: TestSmtp; dovecot: TestDovecot | null; syncAccounts: number }): Promise<Scenario> {
  const key = loadMailKey({ secret: SECRET, dataDir: '/nonexistent' });
  const a = await buildWorkspace(db, { name: 'Alpha', slug: 'alpha' });
  const owner = await createUser(db.kysely, a, { email: 'owner@alpha.example', role: 'owner' }, T0);
  const token = (await createToken(db.kysely, a, { name: 'ops', role: 'admin' }, { userId: owner.id, role: 'owner' }, T0)).token;
  await createWebhook(db.kysely, a, { url: world.hooks.url, events: ['interaction.created'] }, T0, true);
  // No IMAP server for A (port 1): its digests go out over SMTP, its sync fails fast.
  await addAccount(db.kysely, a, { imap: 'imap://me@127.0.0.1:1', smtp: `smtp://me@127.0.0.1:${world.smtp.port}`, password: 'pw', address: 'me@alpha.example' }, key, T0);
  await createContact(db.kysely, a, { email: 'ada@client.example', name: 'Ada' }, T0);
  const rescored: Workspace[] = [];
  for (let i = 0; i < n; i += 1) {
    // Scored at T0, long before today: due a rescore.
    const ws = await buildWorkspace(db, { name: `R${i}`, slug: `r${i}` });
    await createContact(db.kysely, ws, { email: `c${i}@client.example` }, T0);
    rescored.push(ws);
  }
  const synced: Workspace[] = [];
  if (world.dovecot) {
    const d = world.dovecot;
    for (let i = 0; i < MAIL_MESSAGES; i += 1) {
      await d.append('INBOX', `From: Bo <bo${i}@client.example>\r\nTo: ${d.user}@example.org\r\nSubject: Hello ${i}\r\nMessage-ID: <m${i}@client.example>\r\nDate: Mon, 6 Jan 2025 09:00:00 +0000\r\n\r\nHi ${i}\r\n`);
    }
    for (let i = 0; i < world.syncAccounts; i += 1) {
      const ws = await buildWorkspace(db, { name: `M${i}`, slug: `m${i}`, me: [`${d.user}@example.org`] });
      await addAccount(db.kysely, ws, { imap: `imap://${d.user}@127.0.0.1:${d.port}`, smtp: `smtp://me@127.0.0.1:${world.smtp.port}`, password: d.password, address: `${d.user}@example.org` }, key, T0);
      synced.push(ws);
    }
  }
  return { n, a, token, rescored, synced };
}

export function vcard(i: number): string {
  return `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported ${i}\r\nEMAIL:p${i}@import.example\r\nEND:VCARD\r\n`;
}

/** Enqueues the jobs that are not caused through the API: deliveries (events), digests, rescores, syncs. */
export async function enqueueScenario(db: Db, queue: Queue, s: Scenario): Promise<void> {
  await emitEvents(db.kysely, s.a.id, Array.from({ length: s.n }, (_, i) => ({ type: 'interaction.created' as const, data: { n: i } })), Date.now());
  for (let i = 0; i < s.n; i += 1) await queue.enqueue(sendDigestJob.name, { workspace_id: s.a.id, to: `d${i}@digest.example` });
  for (const ws of s.rescored) {
    await queue.enqueue(rescoreWorkspaceJob.name, { workspace_id: ws.id, day: DateTime.now().setZone(ws.settings.time_zone).toISODate() as string });
  }
  for (const ws of s.synced) {
    const [account] = await db.kysely.selectFrom('mail_accounts').select('id').where('workspace_id', '=', ws.id).execute();
    await queue.enqueue('mail.sync', { workspace_id: ws.id, account_id: account!.id });
  }
}

export interface Effects {
  webhooksDistinct: number;
  webhooksTotal: number;
  deliveriesSucceeded: number;
  digestsDistinct: number;
  digestsTotal: number;
  importedContacts: number;
  importsSucceeded: number;
  rescoredToday: number;
  syncedInteractions: number[];
}

/** The effects so far, counted where they land. */
export async function countScenarioEffects(db: Db, s: Scenario, world: { hooks: HookReceiver; smtp: TestSmtp }): Promise<Effects> {
  const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
  const digests = world.smtp.received.filter((m) => m.to.some((t) => t.endsWith('@digest.example')));
  const rescoredIds = s.rescored.map((w) => w.id);
  const today = new Set(s.rescored.map((w) => DateTime.now().setZone(w.settings.time_zone).toISODate() as string));
  return {
    webhooksDistinct: world.hooks.ids.size,
    webhooksTotal: world.hooks.total(),
    deliveriesSucceeded: await count(db.kysely.selectFrom('webhook_deliveries').select(sql<number>`count(*)`.as('n')).where('workspace_id', '=', s.a.id).where('status', '=', 'succeeded').executeTakeFirst()),
    digestsDistinct: new Set(digests.map((m) => m.to.join(','))).size,
    digestsTotal: digests.length,
    importedContacts: await count(db.kysely.selectFrom('contact_emails').select(sql<number>`count(distinct contact_id)`.as('n')).where('workspace_id', '=', s.a.id).where('email', 'like', '%@import.example').executeTakeFirst()),
    importsSucceeded: await count(db.kysely.selectFrom('import_jobs').select(sql<number>`count(*)`.as('n')).where('workspace_id', '=', s.a.id).where('status', '=', 'succeeded').executeTakeFirst()),
    rescoredToday: rescoredIds.length === 0 ? 0 : await count(db.kysely.selectFrom('health_snapshots').select(sql<number>`count(*)`.as('n')).where('workspace_id', 'in', rescoredIds).where('day', 'in', [...today]).executeTakeFirst()),
    syncedInteractions: await Promise.all(s.synced.map((ws) => count(db.kysely.selectFrom('interactions').select(sql<number>`count(*)`.as('n')).where('workspace_id', '=', ws.id).executeTakeFirst()))),
  };
}

export function isScenarioDone(e: Effects, s: Scenario): boolean {
  // Delivered and recorded: a delivery whose worker died between the two is sent again (a copy
  // with its webhook-id) once its claim expires, so the receiver can be done before the log is.
  return (
    e.webhooksDistinct >= s.n &&
    e.deliveriesSucceeded >= s.n &&
    e.digestsDistinct >= s.n &&
    e.importsSucceeded >= s.n &&
    e.importedContacts >= s.n &&
    e.rescoredToday >= s.n &&
    e.syncedInteractions.every((c) => c >= MAIL_MESSAGES)
  );
}
