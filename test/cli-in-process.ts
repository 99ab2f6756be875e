/**
 * Runs `rapport … --json` in the test's own process: the real commands, printing through
 * stdout, without a process start-up each (tests that run many commands). Tests of exit
 * codes, stderr and start-up use test/cli.ts, which runs a real process.
 */
import { vi } from 'vitest';
import { main } from '../src/cli/main.js';

/** What `rapport ARGS --json` printed, parsed; throws with its stderr when it fails. */
export async function rapportJson(target: string[], ...args: string[]): Promise<unknown> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  let code: number;
  try {
    code = await main([...target, '--json', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  if (code !== 0) throw new Error(`rapport ${args.join(' ')} exited ${code}: ${err}`);
  return JSON.parse(out);
}
