/**
 * Start-up time of the built CLI: `rapport --help` (target < 0.5 s) and `rapport contacts`
 * on a small workspace. Run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { record } from './report.js';

const bin = join(process.cwd(), 'bin/rapport.js');
if (!existsSync(join(process.cwd(), 'dist/cli/main.js'))) {
  console.log('cli: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

function time(args: string[], runs: number): { median: number; max: number } {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`rapport ${args.join(' ')} failed: ${r.stderr}`);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.ceil(runs / 2) - 1]!, max: ms[runs - 1]! };
}

const help = time(['--help'], 15);
record({ name: 'rapport --help, median', value: help.median, unit: 'ms', target: '< 500 ms', met: help.median < 500 });
console.log(`rapport --help: median ${help.median.toFixed(0)} ms, max ${help.max.toFixed(0)} ms (target < 500 ms)`);

const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-cli-'));
try {
  spawnSync(process.execPath, [bin, '--data', dir, 'init', '--name', 'Bench', '--me', 'me@bench.example'], { encoding: 'utf8' });
  const list = time(['--data', dir, 'contacts', '--json'], 9);
  console.log(`rapport contacts (empty workspace): median ${list.median.toFixed(0)} ms, max ${list.max.toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
