/**
 * A scheduled campaign the worker found past its late limit, as the command line shows it on
 * both engines: `campaign ls` names it missed with why, `campaign stats --json` carries the
 * status and the reason, and `campaign schedule` gives it a new time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { testDialects } from '../db/test-db.js';
import { newsletterDueJob } from '../newsletter/newsletter.jobs.js';
import { cliTarget, type CliTarget } from '../../test/cli-target.js';
import { json, runCli } from '../../test/cli.js';

const NOW = '2025-03-01T10:00:00Z';

describe.each(testDialects())('a missed campaign on the command line on %s', (dialect) => {
  let where: CliTarget;
  let dir: string;
  const rp = (...args: string[]) => runCli([...where.target, '--now', NOW, ...args]);
  beforeAll(async () => {
    where = await cliTarget(dialect, 'nl-missed');
    dir = mkdtempSync(join(tmpdir(), 'rapport-nl-missed-issue-'));
  });
  afterAll(async () => {
    await where.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists it missed with why, gives the reason in stats --json, and reschedules it', async () => {
    expect((await rp('init', '--name', 'Acme', '--me', 'me@acme.example')).code).toBe(0);
    expect((await rp('newsletter', 'list', 'add', 'Weekly', '--from', 'news@acme.example')).code).toBe(0);
    expect((await rp('newsletter', 'subscribe', 'Weekly', 'ada@client.example', '--confirmed')).code).toBe(0);
    writeFileSync(join(dir, 'issue.md'), '---\nsubject: Monday note\n---\nHello {{first_name|there}}.\n');
    const created = json(await rp('newsletter', 'campaign', 'create', 'Weekly', '--file', join(dir, 'issue.md'), '--at', '2025-03-01T01:00', '--json'));
    expect(created.status).toBe('scheduled');

    // The worker's minute job, run at the same instant.
    const db = await openDatabase(where.target[0] === '--db' ? { url: where.target[1] as string } : { dataDir: where.target[1] as string });
    try {
      const worker = { db, now: () => Date.parse(NOW), enqueue: async () => undefined, services: { mailKey: () => Buffer.alloc(32), allowPrivateWebhooks: false }, signal: new AbortController().signal };
      await newsletterDueJob.run({}, worker as never);
    } finally {
      await db.close();
    }

    const reason = 'not started: it was scheduled for 2025-03-01 01:00 (UTC) and would start 9.0 h late, more than its limit of 6 h';
    const ls = await rp('newsletter', 'campaign', 'ls');
    expect(ls.stdout).toMatch(new RegExp(`${created.id} +missed +Monday note`));
    expect(ls.stdout).toContain(`${created.id} missed: ${reason}. Send it now (campaign send) or schedule it again.`);
    expect(json(await rp('newsletter', 'campaign', 'ls', '--json'))[0]).toMatchObject({ status: 'missed', missed_at: NOW.replace('Z', '.000Z'), missed_reason: reason });
    expect(json(await rp('newsletter', 'campaign', 'stats', created.id, '--json'))).toMatchObject({ status: 'missed', missed_reason: reason, total: 0 });
    expect((await rp('newsletter', 'campaign', 'stats', created.id)).stdout).toContain(`Missed: ${reason}. Send it now with: rapport newsletter campaign send ${created.id}, or schedule it again.`);

    const again = json(await rp('newsletter', 'campaign', 'schedule', created.id, '2025-03-02T09:00', '--json'));
    expect(again).toMatchObject({ status: 'scheduled', scheduled_at: '2025-03-02T09:00:00.000Z', missed_at: null, missed_reason: null });
  }, 120_000);
});
