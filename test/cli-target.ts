/** Where a CLI test keeps its data: a fresh PostgreSQL database, or a fresh embedded folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from '../src/db/database.js';
import { createPostgresDatabaseUrl } from '../src/db/test-db.js';

export interface CliTarget {
  /** `--db URL` or `--data DIR`, to put before a command's own arguments. */
  target: string[];
  cleanup: () => Promise<void>;
}

export async function cliTarget(dialect: Dialect, name: string): Promise<CliTarget> {
  if (dialect === 'postgres') {
    const { url, drop } = await createPostgresDatabaseUrl();
    return { target: ['--db', url], cleanup: drop };
  }
  const dir = mkdtempSync(join(tmpdir(), `rapport-${name}-`));
  return { target: ['--data', dir], cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
