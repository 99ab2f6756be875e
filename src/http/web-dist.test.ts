/** `rapport serve` serves the package's web app wherever it is started, never a web/dist of the working folder. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let elsewhere: string | undefined;
afterEach(() => {
  if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });
});

it('finds web/dist from the package, not from the working folder', () => {
  elsewhere = mkdtempSync('/var/tmp/rapport-cwd-');
  // A decoy web app in the working folder: the old lookup served this one.
  mkdirSync(join(elsewhere, 'web', 'dist'), { recursive: true });
  writeFileSync(join(elsewhere, 'web', 'dist', 'index.html'), '<p>decoy</p>');
  const script = `
    const { buildServer, DEFAULT_WEB_DIST } = await import(${JSON.stringify(join(root, 'src/app/server.ts'))});
    const { openDatabase } = await import(${JSON.stringify(join(root, 'src/db/database.ts'))});
    const db = await openDatabase({ url: ':memory:' });
    const app = await buildServer(db, {});
    const res = await app.inject({ url: '/' });
    console.log(JSON.stringify({ dir: DEFAULT_WEB_DIST, body: res.body }));
    await app.close();
    await db.close();`;
  const out = execFileSync(process.execPath, ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href, '--input-type=module', '-e', script], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, NODE_PATH: join(root, 'node_modules') } });
  const { dir, body } = JSON.parse(out.trim().split('\n').at(-1) as string) as { dir: string; body: string };
  expect(dir).toBe(join(root, 'web', 'dist'));
  expect(body).not.toContain('decoy');
});
