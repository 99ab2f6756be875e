/**
 * `npm run bench -- import`: mail import throughput and memory (SPEC §10: ≥ 10,000 messages/s on
 * SQLite, memory flat; issue #3: ≥ 3× notmuch's rate, peak RSS < 300 MB for a 1 GB mbox).
 * A generated mbox is imported by the built `rapport import`, as a user runs it, into a fresh
 * SQLite file (or, with DATABASE_URL=postgres://…, a fresh database on that server); then the
 * same messages, written as a Maildir, are indexed by `notmuch new` when notmuch is installed,
 * and the two rates are compared. The sources are compiled first (tsc, incremental), so the
 * figures are those of the code in the tree. The time is the whole command: opening the
 * database, the import, the health refresh that ends it, and closing.
 *
 * BENCH_MESSAGES (default 100,000); BENCH_ATTACHMENT_KB (default 0): one message in four
 * carries an attachment of about that size, for mailboxes of realistic sizes (100,000 messages
 * with 30 KB make a 1 GB mbox); BENCH_WORKERS sets the parser threads (default: the import's
 * own choice); BENCH_NOTMUCH=0 skips the comparison.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isPostgresUrl } from '../src/db/database.js';
import { withPgClient } from '../src/db/postgres-pool.js';
import type { ImportSummary } from '../src/import/import.types.js';
import { formatMessage, generateMessages, writeGeneratedMbox } from '../src/import/mail/test-mbox.js';
import { QUICK, record } from './report.js';

const COUNT = Number(process.env.BENCH_MESSAGES ?? (QUICK ? 10_000 : 100_000));
const ATTACHMENT_BYTES = Number(process.env.BENCH_ATTACHMENT_KB ?? 0) * 1024;
const WORKERS = process.env.BENCH_WORKERS;
const POSTGRES = isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
const SEED = 42;
const MiB = 1024 * 1024;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/rapport.js');
const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

// Linux accounting, read from /proc while the import runs: its peak RSS (VmHWM, every thread),
// and its main thread's time on a CPU and waiting for one (schedstat), which tells a slow run
// from a busy machine. The last reading before exit stands for the end (they only grow).
const linux = existsSync('/proc/self/status');
const hwm = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const schedstat = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map((n) => Number(n) / 1e9);
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
  const admin = (query: string) => withPgClient(server, (client) => client.query(query)).then(() => undefined);
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

interface Run {
  summary: ImportSummary;
  seconds: number;
  peak: number;
  main: number[];
}

/** `rapport import FILE --json` on `database`, watched from outside. */
function runImport(database: string[], mbox: string): Promise<Run> {
  const args = [...database, 'import', mbox, '--json', ...(WORKERS ? ['--workers', WORKERS] : [])];
  const started = performance.now();
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let peak = 0;
  let main: number[] = [0, 0];
  const watch = setInterval(() => {
    try {
      peak = hwm(child.pid!);
      main = schedstat(child.pid!);
    } catch {
      // exited between two readings
    }
  }, 25);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(watch);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`rapport import exited with ${code}`));
      else resolve({ summary: JSON.parse(out) as ImportSummary, seconds, peak, main });
    });
  });
}

/** Imports the mbox into a fresh database. */
async function benchImport(dir: string, mbox: string, size: number): Promise<Rate> {
  const target = POSTGRES ? await postgresDatabase(POSTGRES) : { url: join(dir, 'data'), drop: async () => undefined };
  const database = POSTGRES ? ['--db', target.url] : ['--data', target.url];
  try {
    execFileSync(bin, [...database, 'init', '--name', 'Bench', '--me', 'me@acme.example,@acme.example'], { stdio: 'ignore' });
    const cpu0 = linux ? childrenCpu() : 0;
    const { summary, seconds, peak, main } = await runImport(database, mbox);
    const cpuSeconds = linux ? childrenCpu() - cpu0 : null;
    const rate = summary.read / seconds;
    console.log(`${POSTGRES ? 'PostgreSQL' : 'SQLite'}: imported ${summary.imported} (duplicates ${summary.duplicates}, automated ${summary.automated}), ${summary.threads} threads, ${summary.contacts_created} contacts`);
    console.log(`rapport import: ${seconds.toFixed(1)} s, ${Math.round(rate)} messages/s, ${(size / MiB / seconds).toFixed(1)} MiB/s (${load()})`);
    if (linux) {
      console.log(`CPU: ${cpuSeconds!.toFixed(1)} s for all threads (${Math.round(summary.read / cpuSeconds!)} messages per CPU-second)`);
      console.log(`main thread: ${main[0]!.toFixed(1)} s on a CPU (${Math.round(summary.read / main[0]!)} messages per main-thread CPU-second), ${main[1]!.toFixed(1)} s runnable but waiting for a CPU`);
      console.log(`peak RSS for a ${(size / MiB).toFixed(0)} MiB mbox: ${(peak / MiB).toFixed(0)} MiB (${((peak / 1e6) | 0)} MB)`);
    }
    const memory = linux ? `; peak RSS < 300 MB: ${peak < 300e6 ? 'met' : 'NOT met'}` : '';
    console.log(`target ≥ 10,000 messages/s: ${rate >= 10_000 ? 'met' : 'NOT met'}${memory}`);
    if (linux) record({ name: `import peak RSS, ${(size / MiB).toFixed(0)} MiB mbox`, value: peak / MiB, unit: 'MiB', target: '< 286 MiB (300 MB)', met: peak < 300e6 });
    return { wall: rate, cpu: cpuSeconds ? summary.read / cpuSeconds : null };
  } finally {
    await target.drop();
  }
}

/** `notmuch new` over the Maildir, its database and configuration in `dir`. */
function benchNotmuch(dir: string): Rate {
  const config = join(dir, 'notmuch-config');
  writeFileSync(config, `[database]\npath=${join(dir, 'maildir')}\n[user]\nname=Bench\nprimary_email=me@acme.example\n[new]\ntags=\n`);
  execFileSync('sync'); // nor our import's database during notmuch's run
  const cpu0 = linux ? childrenCpu() : 0;
  const started = performance.now();
  execFileSync('notmuch', ['new', '--quiet'], { env: { ...process.env, NOTMUCH_CONFIG: config }, stdio: 'inherit' });
  const seconds = (performance.now() - started) / 1000;
  const cpu = linux ? COUNT / (childrenCpu() - cpu0) : null;
  const perCpu = cpu ? ` (${Math.round(cpu)} messages per CPU-second)` : '';
  console.log(`notmuch new (same messages as a Maildir): ${seconds.toFixed(1)} s, ${Math.round(COUNT / seconds)} messages/s${perCpu} (${load()})`);
  return { wall: COUNT / seconds, cpu };
}

/**
 * Compiles src/ into dist/ incrementally: a full compile took 117 s of a loaded machine (35 s
 * of CPU), a check that nothing changed 7 s of CPU. tsc trusts its build-info file and does
 * not look at dist/, so the file goes when dist/ has lost the entry point.
 */
function compileSources() {
  const info = join(root, 'node_modules/.cache/rapport-build.tsbuildinfo');
  if (!existsSync(join(root, 'dist/cli/main.js'))) rmSync(info, { force: true });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--incremental', '--tsBuildInfoFile', info], {
    stdio: 'inherit',
  });
}

const dir = mkdtempSync(join(tmpdir(), 'rapport-import-bench-'));
try {
  const notmuch = process.env.BENCH_NOTMUCH !== '0' && spawnSync('notmuch', ['--version']).status === 0;
  compileSources();
  await generate(dir, notmuch);
  // The kernel would otherwise write the generated files out during the runs it times.
  execFileSync('sync');
  const mbox = join(dir, 'bench.mbox');
  const size = statSync(mbox).size;
  console.log(`mbox: ${COUNT} messages, ${(size / MiB).toFixed(1)} MiB`);
  const ours = await benchImport(dir, mbox, size);
  const importFigure = { name: `rapport import, ${COUNT.toLocaleString('en')} messages, ${POSTGRES ? 'PostgreSQL' : 'SQLite'}`, value: ours.wall, unit: 'msgs/s' };
  if (!notmuch) {
    console.log('notmuch: not installed (apt-get install notmuch) or BENCH_NOTMUCH=0, comparison skipped');
    record({ ...importFigure, target: '≥ 10,000', met: ours.wall >= 10_000 });
  } else {
    const theirs = benchNotmuch(dir);
    record({ ...importFigure, peer: { name: 'notmuch new', value: theirs.wall }, target: '≥ 3× notmuch', met: ours.wall >= 3 * theirs.wall });
    const perCpu = ours.cpu && theirs.cpu ? `; ${(ours.cpu / theirs.cpu).toFixed(2)}× per CPU-second` : '';
    console.log(
      `import / notmuch: ${(ours.wall / theirs.wall).toFixed(2)}× notmuch's rate${perCpu} (target ≥ 3× the rate, then 5×): ${ours.wall >= 3 * theirs.wall ? 'met' : 'NOT met'}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
