/**
 * `npm run bench`: runs every bench/*.bench.ts in turn, each in its own process so that one
 * benchmark's memory and JIT state do not colour the next, then prints one table of every
 * figure and writes it to results/bench-<date>.json. `npm run bench -- import` runs only the
 * benchmarks whose name contains "import"; `--quick` runs each on smaller data (minutes in all).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

/**
 * Benchmarks the table keeps a row for even before their file exists, so that a run says
 * what it did not measure. A benchmark only has to be a bench/*.bench.ts file to run.
 */
const EXPECTED = [
  { file: 'jobs.bench.ts', figure: 'jobs/s through the queue' },
  { file: 'newsletter.bench.ts', figure: 'newsletter sends/s' },
];

const scratch = mkdtempSync(join(tmpdir(), 'rapport-bench-run-'));
const resultsFile = join(scratch, 'figures.jsonl');
const started = Date.now();
const failed: string[] = [];
const durations: string[] = [];
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  console.log(`\n== ${name} ==`);
  const began = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RESULTS: resultsFile, ...(quick ? { BENCH_QUICK: '1' } : {}) },
  });
  if (result.status !== 0) failed.push(name);
  durations.push(`${name} ${Math.round((Date.now() - began) / 1000)} s`);
}
if (files.length === 0) console.log('no benchmark matches', filters.join(' '));

const figures: (Figure & { bench: string })[] = existsSync(resultsFile)
  ? readFileSync(resultsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
rmSync(scratch, { recursive: true, force: true });

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2));
const missing = filters.length === 0 ? EXPECTED.filter((e) => !files.includes(e.file)) : [];
const rows = figures.map((f) => ({
  bench: f.bench,
  figure: f.name,
  value: `${fmt(f.value)} ${f.unit}`,
  peer: f.peer ? `${f.peer.name}: ${fmt(f.peer.value)} ${f.unit}` : '',
  ratio: f.peer?.value ? `${(f.value / f.peer.value).toFixed(2)}×` : '',
  target: f.target ? `${f.target} ${f.met === undefined ? '' : f.met ? 'met' : 'MISSED'}`.trim() : '',
}));
for (const m of missing) rows.push({ bench: m.file.replace(/\.bench\.ts$/, ''), figure: m.figure, value: 'not measured', peer: '', ratio: '', target: `bench/${m.file} missing` });
if (rows.length) {
  console.log(`\n== all figures${quick ? ' (--quick: smaller data)' : ''}, ${Math.round((Date.now() - started) / 1000)} s ==`);
  console.table(rows);
  const day = new Date().toISOString().slice(0, 10);
  const out = join(here, '..', 'results');
  mkdirSync(out, { recursive: true });
  const path = join(out, `bench-${day}${quick ? '-quick' : ''}.json`);
  writeFileSync(
    path,
    `${JSON.stringify({ date: new Date().toISOString(), quick, node: process.version, cpus: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), failed, load_average: loadavg().map((l) => Number(l.toFixed(2))), duration_s: Math.round((Date.now() - started) / 1000), figures }, null, 2)}\n`,
  );
  console.log(`time per benchmark: ${durations.join(', ')}`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores; written to ${path}`);
}
if (failed.length) console.log(`failed: ${failed.join(', ')}`);
process.exitCode = failed.length ? 1 : 0;
