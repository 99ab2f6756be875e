/**
 * Import throughput (SPEC §10: ≥ 10,000 messages/s on SQLite, memory flat): a generated
 * mbox of BENCH_MESSAGES (default 100,000) messages into a fresh SQLite file, with messages/s
 * and peak RSS; then the same messages as a Maildir, timed with `notmuch new` when notmuch is
 * installed, for comparison.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/database.js';
import { importPaths } from '../src/import/import.service.js';
import { formatMessage, generateMessages, writeGeneratedMbox } from '../src/import/mail/test-mbox.js';
import { createWorkspace } from '../src/workspaces/workspaces.service.js';

const COUNT = Number(process.argv[2] ?? process.env.BENCH_MESSAGES ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const dir = mkdtempSync(join(tmpdir(), 'rapport-import-bench-'));

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

try {
  const mbox = join(dir, 'bench.mbox');
  await writeGeneratedMbox(mbox, COUNT, 42);
  const size = statSync(mbox).size;
  const db = await openDatabase({ url: join(dir, 'bench.db') });
  const ws = await createWorkspace(db.kysely, { name: 'Bench', me: ['me@acme.example', '@acme.example'] }, Date.now());
  peakRss = process.memoryUsage().rss;
  const base = peakRss;
  const started = performance.now();
  // process.cpuUsage() is getrusage(RUSAGE_SELF): the main thread and the parser workers together.
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const summary = await importPaths(db, ws, [mbox], Date.now(), { workers: WORKERS, batchSize: BATCH });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const mainBusy = performance.eventLoopUtilization(elu0).utilization;
  await db.close();
  clearInterval(sampler);
  console.log(`mbox: ${COUNT} messages, ${(size / 1024 / 1024).toFixed(1)} MiB`);
  console.log(`imported ${summary.imported} (duplicates ${summary.duplicates}, automated ${summary.automated}), ${summary.threads} threads, ${summary.contacts_created} contacts`);
  console.log(`import: ${seconds.toFixed(1)} s, ${Math.round(summary.read / seconds)} messages/s, ${(size / 1024 / 1024 / seconds).toFixed(1)} MiB/s`);
  console.log(
    `CPU: ${cpuSeconds.toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)}, system ${(cpu.system / 1e6).toFixed(1)}), ${Math.round(summary.read / cpuSeconds)} messages per CPU-second; main thread busy ${(mainBusy * 100).toFixed(0)}% of wall time`,
  );
  console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB (${((peakRss - base) / 1024 / 1024).toFixed(0)} MiB above the start)`);
  console.log(
    `target ≥ 10,000 messages/s (SPEC §10): wall ${summary.read / seconds >= 10_000 ? 'met' : 'NOT met'}, per CPU-second ${summary.read / cpuSeconds >= 10_000 ? 'met' : 'NOT met'}`,
  );

  if (spawnSync('notmuch', ['--version']).status !== 0) {
    console.log('notmuch: not installed, comparison skipped');
  } else {
    const maildir = join(dir, 'maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
    let n = 0;
    for (const m of generateMessages(COUNT, 42)) writeFileSync(join(maildir, 'cur', `${n++}.bench:2,S`), formatMessage(m));
    const config = join(dir, 'notmuch-config');
    writeFileSync(config, `[database]\npath=${maildir}\n[user]\nname=Bench\nprimary_email=me@acme.example\n[new]\ntags=\n`);
    const env = { ...process.env, NOTMUCH_CONFIG: config };
    const t0 = performance.now();
    execFileSync('notmuch', ['new', '--quiet'], { env, stdio: 'inherit' });
    const nm = (performance.now() - t0) / 1000;
    console.log(`notmuch new (same messages as a Maildir): ${nm.toFixed(1)} s, ${Math.round(COUNT / nm)} messages/s`);
  }
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
