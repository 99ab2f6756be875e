/**
 * `npm run bench -- sync`: first-sync throughput over IMAP from a local Dovecot. Generated
 * messages are written into a throwaway Dovecot's Maildir (src/mail/test-dovecot.ts), then one
 * `syncAccounts` into a fresh SQLite file is timed: Dovecot indexing the new mail, the header
 * pass, the downloads and the import pipeline, all on this machine.
 * BENCH_MESSAGES (default 10,000; --quick 2,000). Needs /usr/sbin/dovecot (apt-get install dovecot-imapd).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/database.js';
import { formatMessage, generateMessages } from '../src/import/mail/test-mbox.js';
import { addAccount } from '../src/mail/accounts.service.js';
import { loadMailKey } from '../src/mail/secret-box.js';
import { syncAccounts } from '../src/mail/sync.service.js';
import { hasDovecot, startDovecot } from '../src/mail/test-dovecot.js';
import { createWorkspace } from '../src/workspaces/workspaces.service.js';
import { QUICK } from './report.js';

const COUNT = Number(process.env.BENCH_MESSAGES ?? (QUICK ? 2_000 : 10_000));

if (!hasDovecot) {
  console.log('skipped: /usr/sbin/dovecot is not installed (apt-get install dovecot-imapd)');
} else {
  const dovecot = await startDovecot();
  const dir = mkdtempSync(join(tmpdir(), 'rapport-sync-bench-'));
  const db = await openDatabase({ url: join(dir, 'rapport.db') });
  try {
    // A first login creates the Maildir; messages are then delivered as files, as an MDA does.
    await (await dovecot.client()).logout();
    const inbox = join(dovecot.dir, 'mail', dovecot.user, 'new');
    mkdirSync(inbox, { recursive: true });
    let n = 0;
    const start = Date.now() - COUNT * 60_000;
    for (const m of generateMessages(COUNT, 42, {}, start)) writeFileSync(join(inbox, `${1_700_000_000 + n}.M${n++}P1.bench:2,`), formatMessage(m).replace(/^From [^\n]*\n/, ''));
    execFileSync('chown', ['-R', 'dovecot:dovecot', join(dovecot.dir, 'mail')]);

    const key = loadMailKey({ secret: 'the sync bench secret key', dataDir: dir });
    const ws = await createWorkspace(db.kysely, { name: 'Bench', me: ['me@acme.example', '@acme.example'] }, Date.now());
    const account = await addAccount(db.kysely, ws, { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: 'smtp://x@127.0.0.1:1', password: dovecot.password, address: 'me@acme.example', history_days: 36500 }, key, Date.now());
    const t0 = performance.now();
    const summary = await syncAccounts(db, ws, key, Date.now(), account.id);
    const seconds = (performance.now() - t0) / 1000;
    if (summary.failures.length > 0) throw new Error(summary.failures.join('; '));
    console.log(`first sync: ${summary.read} messages (${summary.imported} imported) in ${seconds.toFixed(2)} s = ${Math.round(summary.read / seconds)} messages/s (SQLite, load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    const t1 = performance.now();
    const again = await syncAccounts(db, ws, key, Date.now(), account.id);
    console.log(`second sync: ${again.read} messages in ${((performance.now() - t1) / 1000).toFixed(2)} s`);
  } finally {
    await db.close();
    await dovecot.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
