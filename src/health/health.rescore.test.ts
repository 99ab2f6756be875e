/**
 * A workspace rescore reads contacts by id ranges, in batches, and walks only the threads that
 * can matter in the responsiveness window; refreshing one contact reads just that contact.
 * Both must store exactly the same health, also for threads shared by contacts that fall in
 * different batches.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import { importPaths } from '../import/import.service.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { refreshContactHealth, rescoreWorkspace } from './health.service.js';
import { toMbox, type MailSpec } from './test-mail.js';

const NOW = Date.parse('2025-06-02T11:30:00Z');
const ME = 'Me <me@acme.example>';

// A thread shared by Bob and Cy: Bob asks, Cy (copied) writes again 6 h later, a nudge in
// Bob's wait. Then Dee's thread: a January question, chased and answered in May (a wait that
// began before the window), and a new question that is still open.
const MAIL: MailSpec[] = [
  { id: 's1@acme.example', from: ME, to: ['Bob <bob@b.example>', 'Cy <cy@c.example>', 'Dee <dee@d.example>'], subject: 'Plan', at: '2025-05-26T09:00:00Z', text: 'Shall we plan the launch?' },
  { id: 's2@b.example', from: 'Bob <bob@b.example>', to: [ME], cc: ['Cy <cy@c.example>'], subject: 'Plan', at: '2025-05-26T10:00:00Z', replyTo: 's1@acme.example', text: 'Yes, which week suits you?' },
  { id: 's3@c.example', from: 'Cy <cy@c.example>', to: [ME], cc: ['Bob <bob@b.example>'], subject: 'Plan', at: '2025-05-26T16:00:00Z', replyTo: 's2@b.example', text: 'Any news on the week?' },
  { id: 's4@acme.example', from: ME, to: ['Bob <bob@b.example>', 'Cy <cy@c.example>'], subject: 'Plan', at: '2025-05-27T09:00:00Z', replyTo: 's3@c.example', text: 'The week of the 9th.' },
  { id: 'o1@d.example', from: 'Dee <dee@d.example>', to: [ME], subject: 'Old question', at: '2025-01-06T10:00:00Z', text: 'Could you check our contract terms?' },
  { id: 'o2@d.example', from: 'Dee <dee@d.example>', to: [ME], subject: 'Old question', at: '2025-05-20T10:00:00Z', replyTo: 'o1@d.example', text: 'Still waiting on the contract terms, any update?' },
  { id: 'o3@acme.example', from: ME, to: ['Dee <dee@d.example>'], subject: 'Old question', at: '2025-05-21T10:00:00Z', replyTo: 'o2@d.example', text: 'Sorry, here they are.' },
  { id: 'o4@d.example', from: 'Dee <dee@d.example>', to: [ME], subject: 'Old question', at: '2025-05-22T10:00:00Z', replyTo: 'o3@acme.example', text: 'What about the renewal date?' },
];

describe.each(testDialects())('rescore and refresh on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(() => db.close());

  async function storedHealth(ws: Workspace) {
    const health = await db.kysely.selectFrom('contact_health').selectAll().where('workspace_id', '=', ws.id).orderBy('contact_id').execute();
    const snapshots = await db.kysely.selectFrom('health_snapshots').selectAll().where('workspace_id', '=', ws.id).orderBy('contact_id').execute();
    return { health, snapshots };
  }

  async function expectSameHealth(ws: Workspace, batchSize: number) {
    await rescoreWorkspace(db, ws, NOW, undefined, { batchSize });
    const rescored = await storedHealth(ws);
    await db.kysely.deleteFrom('contact_health').where('workspace_id', '=', ws.id).execute();
    await db.kysely.deleteFrom('health_snapshots').where('workspace_id', '=', ws.id).execute();
    for (const row of rescored.health) await refreshContactHealth(db.kysely, ws, [row.contact_id], NOW);
    expect(await storedHealth(ws)).toEqual(rescored);
    return rescored;
  }

  it('stores the same health for every demo contact, batch by batch or one by one', async () => {
    const { workspace } = await generateDemo(db, { contacts: 40, seed: 11, now: NOW });
    const { health } = await expectSameHealth(workspace, 7);
    expect(health).toHaveLength(40);
    expect(new Set(health.map((h) => h.status)).size).toBeGreaterThan(2);
  });

  it('does so for threads shared across batches and for waits that began before the window', async () => {
    let ws = await buildWorkspace(db, { time_zone: 'Europe/Berlin' });
    ws = await updateWorkspaceSettings(db.kysely, ws, { competitors: ['Globex'] }, NOW);
    const file = join(mkdtempSync(join(tmpdir(), 'rapport-rescore-')), 'mail.mbox');
    writeFileSync(file, toMbox(MAIL, MAIL));
    await importPaths(db, ws, [file], NOW, { workers: 0 });
    const { health } = await expectSameHealth(ws, 1);
    const metrics = Object.fromEntries(
      await Promise.all(
        health.map(async (h) => {
          const email = await db.kysely.selectFrom('contact_emails').select('email').where('contact_id', '=', h.contact_id).executeTakeFirstOrThrow();
          return [email.email, JSON.parse(h.metrics) as { replies: number; nudges: number; open_waits: number; nudge_rate: number | null }];
        }),
      ),
    );
    expect(metrics['bob@b.example']).toMatchObject({ replies: 1, nudges: 0, nudge_rate: 1 });
    expect(metrics['cy@c.example']).toMatchObject({ replies: 0, nudges: 1, nudge_rate: null });
    // Her May chase is a nudge of the January wait, outside the window: neither a new wait nor a reply counted.
    expect(metrics['dee@d.example']).toMatchObject({ replies: 0, nudges: 0, open_waits: 1, nudge_rate: 0 });
  });
});
