/**
 * What a benchmark reports to `npm run bench`, which gathers every figure of the run into one
 * table and `results/bench-<date>.json`. Run alone, a benchmark only prints.
 */
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface Figure {
  /** What was measured ("rapport import"). */
  name: string;
  value: number;
  unit: string;
  /** The peer measured in the same run, for a ratio ("notmuch new"). */
  peer?: { name: string; value: number };
  /** The target in words ("≥ 10,000"), and whether this run met it. */
  target?: string;
  met?: boolean;
}

/** `npm run bench -- --quick`: smaller data, shorter runs, the whole suite in minutes. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Records a figure for the run's table; the benchmark still prints its own lines. */
export function record(figure: Figure): void {
  const file = process.env.BENCH_RESULTS;
  if (!file) return;
  const bench = basename(process.argv[1] ?? 'bench').replace(/\.bench\.ts$/, '');
  appendFileSync(file, `${JSON.stringify({ bench, ...figure })}\n`);
}
