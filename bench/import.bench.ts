/**
 * `npm run bench -- import`: mail import throughput and memory (SPEC §10: ≥ 10,000 messages/s on
 * SQLite, memory flat; issue #3: ≥ 3× notmuch's rate, peak RSS < 300 MB for a 1 GB mbox).
 * A generated mbox is imported into a fresh SQLite file (or, with DATABASE_URL=postgres://…, a
 * fresh database on that server); then the same messages, written as a Maildir, are indexed by
 * `notmuch new` when notmuch is installed, and the two rates are compared.
 *
 * BENCH_MESSAGES (default 100,000); BENCH_ATTACHMENT_KB (default 0): one message in four
 * carries an attachment of about that size, for mailboxes of realistic sizes (100,000 messages
 * with 30 KB make a 1 GB mbox); BENCH_WORKERS, BENCH_BATCH override the import's defaults;
 * BENCH_NOTMUCH=0 skips the comparison.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isPostgresUrl, openDatabase } from '../src/db/database.js';
import { importPaths } from '../src/import/import.service.js';
import { formatMessage, generateMessages, writeGeneratedMbox } from '../src/import/mail/test-mbox.js';
import { createWorkspace } from '../src/workspaces/workspaces.service.js';

const COUNT = Number(process.env.BENCH_MESSAGES ?? 100_000);
const ATTACHMENT_BYTES = Number(process.env.BENCH_ATTACHMENT_KB ?? 0) * 1024;
const WORKERS = process.env.BENCH_WORKERS ? Number(process.env.BENCH_WORKERS) : undefined;
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const POSTGRES = isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
const SEED = 42;
const MiB = 1024 * 1024;
const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

// Linux accounting: the kernel's peak RSS (VmHWM, which writing 5 to clear_refs resets) and the
// main thread's time on a CPU and waiting for one (schedstat), which tells a slow run from a
// busy machine. Elsewhere, peak RSS is sampled, late when the main thread is busy.
const linux = existsSync('/proc/self/status');
const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const schedstat = () => readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map((n) => Number(n) / 1e9);
// CPU seconds of the children this process waited for (stat fields cutime and cstime, in ticks of 1/100 s).
const childrenCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
};

/** Writes the mbox and, when asked, the same messages as a Maildir (run in a child process, see below). */
async function generate(dir: string, maildir: boolean) {
  await writeGeneratedMbox(join(dir, 'bench.mbox'), COUNT, SEED, { attachmentBytes: ATTACHMENT_BYTES });
  if (!maildir) return;
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'maildir', sub), { recursive: true });
  let n = 0;
  for (const m of generateMessages(COUNT, SEED, { attachmentBytes: ATTACHMENT_BYTES })) writeFileSync(join(dir, 'maildir', 'cur', `${n++}.bench:2,S`), formatMessage(m));
}

async function postgresDatabase(server: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rapport_import_bench_${process.pid}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

interface Rate {
  /** Messages per second of wall time. */
  wall: number;
  /** Messages per CPU-second (every thread), or null where not measured. */
  cpu: number | null;
}

/** Imports the mbox into a fresh database. */
async function benchImport(dir: string, mbox: string, size: number): Promise<Rate> {
  const target = POSTGRES ? await postgresDatabase(POSTGRES) : { url: join(dir, 'bench.db'), drop: async () => undefined };
  try {
    const db = await openDatabase({ url: target.url });
    const ws = await createWorkspace(db.kysely, { name: 'Bench', me: ['me@acme.example', '@acme.example'] }, Date.now());
    if (linux) writeFileSync('/proc/self/clear_refs', '5');
    const base = process.memoryUsage().rss;
    let sampled = base;
    const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 50);
    const sched0 = linux ? schedstat() : [];
    const started = performance.now();
    const elu0 = performance.eventLoopUtilization();
    // process.cpuUsage() is getrusage(RUSAGE_SELF): every thread, parsers and garbage collection included.
    const cpu0 = process.cpuUsage();
    // The high-water mark at the last batch: the import's own peak, before the health refresh that ends it.
    let importPeak = 0;
    const onProgress = () => (importPeak = linux ? status('VmHWM') : sampled);
    let summary: Awaited<ReturnType<typeof importPaths>>;
    try {
      summary = await importPaths(db, ws, [mbox], Date.now(), { workers: WORKERS, batchSize: BATCH, onProgress });
    } finally {
      clearInterval(sampler);
      await db.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const mainBusy = performance.eventLoopUtilization(elu0).utilization;
    const peak = linux ? status('VmHWM') : sampled;
    const rate = summary.read / seconds;
    console.log(`${POSTGRES ? 'PostgreSQL' : 'SQLite'}: imported ${summary.imported} (duplicates ${summary.duplicates}, automated ${summary.automated}), ${summary.threads} threads, ${summary.contacts_created} contacts`);
    console.log(`import: ${seconds.toFixed(1)} s, ${Math.round(rate)} messages/s, ${(size / MiB / seconds).toFixed(1)} MiB/s (${load()})`);
    console.log(
      `CPU: ${cpuSeconds.toFixed(1)} s for all threads (${Math.round(summary.read / cpuSeconds)} messages per CPU-second); main thread busy ${(mainBusy * 100).toFixed(0)}% of wall time`,
    );
    if (linux) {
      const [onCpu, waiting] = schedstat().map((v, i) => v - sched0[i]!);
      console.log(
        `main thread: ${onCpu!.toFixed(1)} s on a CPU (${Math.round(summary.read / onCpu!)} messages per main-thread CPU-second), ${waiting!.toFixed(1)} s runnable but waiting for a CPU`,
      );
    }
    console.log(
      `peak RSS for a ${(size / MiB).toFixed(0)} MiB mbox: ${(importPeak / MiB).toFixed(0)} MiB while importing, ${(peak / MiB).toFixed(0)} MiB with the health refresh at the end (start ${(base / MiB).toFixed(0)} MiB)`,
    );
    console.log(`target ≥ 10,000 messages/s (SPEC §10): ${rate >= 10_000 ? 'met' : 'NOT met'}; peak RSS < 300 MiB: ${peak < 300 * MiB ? 'met' : 'NOT met'}`);
    return { wall: rate, cpu: summary.read / cpuSeconds };
  } finally {
    await target.drop();
  }
}

/** `notmuch new` over the Maildir, its database and configuration in `dir`. */
function benchNotmuch(dir: string): Rate {
  const config = join(dir, 'notmuch-config');
  writeFileSync(config, `[database]\npath=${join(dir, 'maildir')}\n[user]\nname=Bench\nprimary_email=me@acme.example\n[new]\ntags=\n`);
  const cpu0 = linux ? childrenCpu() : 0;
  const started = performance.now();
  execFileSync('notmuch', ['new', '--quiet'], { env: { ...process.env, NOTMUCH_CONFIG: config }, stdio: 'inherit' });
  const seconds = (performance.now() - started) / 1000;
  const cpu = linux ? COUNT / (childrenCpu() - cpu0) : null;
  const perCpu = cpu ? ` (${Math.round(cpu)} messages per CPU-second)` : '';
  console.log(`notmuch new (same messages as a Maildir): ${seconds.toFixed(1)} s, ${Math.round(COUNT / seconds)} messages/s${perCpu} (${load()})`);
  return { wall: COUNT / seconds, cpu };
}

if (process.argv[2] === 'generate') {
  await generate(process.argv[3]!, process.argv[4] === 'maildir');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-import-bench-'));
  try {
    const notmuch = process.env.BENCH_NOTMUCH !== '0' && spawnSync('notmuch', ['--version']).status === 0;
    // Generated by another process, so that the import starts without the generator's garbage in its heap.
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'generate', dir, notmuch ? 'maildir' : 'mbox'], { stdio: 'inherit' });
    const mbox = join(dir, 'bench.mbox');
    const size = statSync(mbox).size;
    console.log(`mbox: ${COUNT} messages, ${(size / MiB).toFixed(1)} MiB`);
    const ours = await benchImport(dir, mbox, size);
    if (!notmuch) console.log('notmuch: not installed (apt-get install notmuch) or BENCH_NOTMUCH=0, comparison skipped');
    else {
      const theirs = benchNotmuch(dir);
      const perCpu = ours.cpu && theirs.cpu ? `; ${(ours.cpu / theirs.cpu).toFixed(2)}× per CPU-second` : '';
      console.log(
        `import / notmuch: ${(ours.wall / theirs.wall).toFixed(2)}× notmuch's rate${perCpu} (target ≥ 3× the rate, then 5×): ${ours.wall >= 3 * theirs.wall ? 'met' : 'NOT met'}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
