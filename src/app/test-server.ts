/**
 * Test fixture for route tests: a server over a fresh database with two workspaces. A has a
 * member and a token of each role and one of every resource (a queued job too); B has an owner token. Tests
 * use `app.inject`; nothing listens.
 */
import type { FastifyInstance } from 'fastify';
import type { Db, Dialect } from '../db/database.js';
import { createTestDb } from '../db/test-db.js';
import { createToken } from '../auth/tokens.service.js';
import { createUser } from '../auth/users.service.js';
import { updateUserPassword } from '../auth/auth.repo.js';
import { hashPassword } from '../auth/passwords.js';
import { createInvitation } from '../auth/members.service.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { createWebhook } from '../webhooks/webhooks.service.js';
import { ROLES, type Role, type Workspace } from '../workspaces/workspaces.schema.js';
import { addFact } from '../facts/facts.service.js';
import { addCommitment } from '../commitments/commitments.service.js';
import { addKnowledge } from '../knowledge/knowledge.service.js';
import { listToday } from '../suggestions/suggestions.service.js';
import { loadSuggestionDeps } from '../suggestions/suggestions.deps.js';
import { buildServer, type ServerOptions } from './server.js';
import { openAppQueue } from './worker.js';
import { sendDigestJob } from '../suggestions/suggestions.jobs.js';
import { addAccount } from '../mail/accounts.service.js';
import { loadMailKey } from '../mail/secret-box.js';
import { startSmtp, type TestSmtp } from '../mail/test-smtp.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { buildNewsletterFixture } from '../newsletter/test-fixture.js';
import { createDrip } from '../newsletter/drips.service.js';
import { createList } from '../newsletter/subscribers.service.js';

export interface ApiFixture {
  db: Db;
  app: FastifyInstance;
  a: Workspace;
  b: Workspace;
  /** Bearer tokens of workspace A by role. */
  tokens: Record<Role, string>;
  /** The owner token of workspace B. */
  otherToken: string;
  /** The loopback SMTP server of A's mail account: what the API sent. */
  smtp: TestSmtp;
  /** Ids of A's resources by route parameter name. */
  ids: Record<string, string>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';
/** The fixture mail account's password: no answer, log or stored row may contain it. */
export const MAIL_PASSWORD = 'mail-password-7f3a9c';

// One hash of PASSWORD for every user of every fixture: a hash costs 128 MiB and most of a
// second by design, which six users a fixture would pay again and again.
let hashed: Promise<string> | undefined;
function passwordHash(): Promise<string> {
  hashed ??= hashPassword(PASSWORD);
  return hashed;
}

export async function setupApi(dialect: Dialect, options: ServerOptions = {}): Promise<ApiFixture> {
  const db = await createTestDb(dialect);
  // A's public address: newsletter links and forms are built on it.
  const a = await updateWorkspaceSettings(db.kysely, await buildWorkspace(db, { name: 'Alpha', slug: 'alpha' }), { public_url: 'https://rapport.alpha.example' }, T0);
  const b = await buildWorkspace(db, { name: 'Beta', slug: 'beta' });
  const tokens = {} as Record<Role, string>;
  const users = {} as Record<Role, string>;
  for (const role of ROLES) {
    const user = await createUser(db.kysely, a, { email: `${role}@alpha.example`, role }, T0);
    await updateUserPassword(db.kysely, user.id, await passwordHash());
    users[role] = user.id;
    tokens[role] = (await createToken(db.kysely, a, { name: role, role }, { userId: user.id, role }, T0)).token;
  }
  const otherOwner = await createUser(db.kysely, b, { email: 'owner@beta.example', role: 'owner' }, T0);
  await updateUserPassword(db.kysely, otherOwner.id, await passwordHash());
  const otherToken = (await createToken(db.kysely, b, { name: 'b', role: 'owner' }, { userId: otherOwner.id, role: 'owner' }, T0)).token;
  const { contact } = await buildContact(db, a, { email: 'ada@client.example', name: 'Ada' });
  const interaction = await logInteraction(db.kysely, a, { kind: 'call', contact_ids: [contact.id], at: T0 - 3_600_000 }, T0);
  const hook = await createWebhook(db.kysely, a, { url: 'https://hooks.example.com/x' }, T0, true);
  const extraToken = await createToken(db.kysely, a, { name: 'extra', role: 'viewer' }, { userId: users.owner, role: 'owner' }, T0);
  const invitation = await createInvitation(db.kysely, a, { email: 'new@alpha.example' }, { userId: users.owner, role: 'owner' }, T0);
  const fact = await addFact(db.kysely, a, contact.id, { kind: 'interest', text: 'sailing' }, T0);
  const commitment = await addCommitment(db.kysely, a, contact.id, { text: 'send the proposal', due_at: T0 + 86_400_000 }, T0);
  const knowledge = await addKnowledge(db.kysely, a, { title: 'Sailing knots', topics: ['sailing'] }, T0);
  const [suggestion] = await listToday(db.kysely, a, T0, { limit: 5 }, loadSuggestionDeps);
  if (!suggestion) throw new Error('the fixture expects a keep_promise suggestion');
  await createList(db.kysely, a, { name: 'Drip fixture', from_address: 'news@alpha.example' }, T0);
  const drip = await createDrip(db.kysely, a, { list: 'Drip fixture', name: 'Welcome' }, T0);
  const importId = 'job_fixture0000000001';
  await db.kysely.insertInto('import_jobs').values({
    workspace_id: a.id, id: importId, format: 'vcard', filename: 'people.vcf', bytes: 10, status: 'succeeded', progress_done: 1,
    progress_total: null, progress_unit: null, summary: null, error: null, created_by: null, created_at: T0, finished_at: T0,
  }).execute();
  // A mail account with a loopback SMTP server that accepts everything, and no IMAP server
  // (port 1): sending works, syncing fails fast with a clear error.
  const smtp = await startSmtp();
  const mailKeySource = { secret: 'the mail key of the test fixture', dataDir: '/nonexistent' };
  const account = await addAccount(db.kysely, a, { imap: 'imap://me@127.0.0.1:1', smtp: `smtp://me@127.0.0.1:${smtp.port}`, password: MAIL_PASSWORD, address: 'me@alpha.example' }, loadMailKey(mailKeySource), T0);
  const newsletter = await buildNewsletterFixture(db, a, T0);
  // A queued digest job of A: GET /jobs and retry have one to show (no worker runs here).
  const queue = await openAppQueue(db);
  await queue.enqueue(sendDigestJob.name, { workspace_id: a.id, to: 'owner@alpha.example' });
  const [job] = await queue.list({ workspaceId: a.id });
  if (!job) throw new Error('the fixture expects a queued job');
  const app = await buildServer(db, { now: () => T0, webDist: null, mailKeySource, queue, ...options });
  await app.ready();
  return {
    db,
    app,
    a,
    b,
    tokens,
    otherToken,
    ids: {
      contactId: contact.id,
      interactionId: interaction.id,
      // A logged interaction is a thread of its own.
      threadId: interaction.id,
      webhookId: hook.id,
      tokenId: extraToken.id,
      invitationId: invitation.id,
      userId: users.member,
      factId: fact.id,
      commitmentId: commitment.id,
      knowledgeId: knowledge.id,
      suggestionId: suggestion.id,
      importId,
      accountId: account.id,
      ...newsletter,
      dripId: drip.id,
      jobId: job.id,
    },
    smtp,
    close: async () => {
      await app.close();
      await queue.close();
      await smtp.close();
      await db.close();
    },
  };
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}
