/** Runs `rapport` as a real process, the way users and other programs do. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./rapport-dev.ts', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The caller's own Rapport settings must not leak into a test.
    for (const key of ['RAPPORT_NOW', 'DATABASE_URL', 'RAPPORT_DATA']) delete env[key];
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      env: { ...env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The JSON a --json command printed; fails the test with the command's stderr when it is not JSON. */
// biome-ignore lint/suspicious/noExplicitAny: tests read the printed JSON and assert its shape themselves
export function json<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout.slice(0, 200)} ${result.stderr.slice(0, 300)}`);
  }
}
