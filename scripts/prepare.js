#!/usr/bin/env node
// npm's `prepare`: `npm install`, `npm ci` and `npm link` build the CLI and the web app. `npx
// rapport` in a checkout installs the checkout into npx's cache as a link, which runs `prepare`
// again; the checkout is built already, so that run skips the build (20 s and more) and npx
// starts the command at once.
import { spawnSync } from 'node:child_process';

if (process.env.npm_command !== 'exec') {
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exitCode = result.status ?? 1;
}
