/**
 * The README's tour of the command line and its demo transcript, run exactly as written (each
 * line through bash, `npx rapport` and `rapport` being the built CLI), on both engines, so that
 * the README cannot drift from the program. In a transcript, a line `…` stands for any lines and
 * a line ending in `…` for the rest of a line.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabaseUrl, testDialects } from '../src/db/test-db.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => m[2]!.split('\n').filter((line) => line !== ''));
const tour = blocks.find((lines) => lines.some((line) => line.startsWith('npx rapport ')));
const transcript = blocks.find((lines) => lines.some((line) => line.startsWith('$ rapport ')));

// The commands of the README as the built CLI; the caller's Rapport settings stay out.
const PRELUDE = `rapport() { node ${JSON.stringify(join(root, 'bin/rapport.js'))} "$@"; }; npx() { "$@"; }; unset RAPPORT_NOW RAPPORT_DATA RAPPORT_WORKSPACE;`;

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${PRELUDE}\n${script}`], { cwd, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The lines of `expected` that `actual` does not show in order ('…' lines skip any lines). */
function mismatch(expected: string[], actual: string[]): string | null {
  let at = 0;
  let skipping = false;
  for (const want of expected) {
    if (want === '…') {
      skipping = true;
      continue;
    }
    const matches = (line: string) => (want.endsWith('…') ? line.startsWith(want.slice(0, -1)) : line.trimEnd() === want.trimEnd());
    const found = skipping ? actual.findIndex((line, i) => i >= at && matches(line)) : matches(actual[at] ?? '') ? at : -1;
    if (found < 0) return `expected ${JSON.stringify(want)} ${skipping ? 'after' : 'at'} line ${at + 1} of:\n${actual.join('\n')}`;
    at = found + 1;
    skipping = false;
  }
  return skipping || at === actual.length ? null : `unexpected line ${at + 1}: ${JSON.stringify(actual[at])}`;
}

/** A mail archive where the tour expects it: Ada, answered, and Bob, waiting; dated days before now. */
function writeArchive(home: string): void {
  const day = 86_400_000;
  const date = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toUTCString().replace('GMT', '+0000');
  const message = (from: string, to: string, subject: string, daysAgo: number, id: string, body: string, reply?: string) =>
    [
      'From x Mon Mar 03 09:00:00 2025', // the envelope; the Date header is what counts
      `From: ${from}`,
      `To: ${to}`,
      `Subject: ${subject}`,
      `Date: ${date(daysAgo)}`,
      `Message-ID: <${id}>`,
      ...(reply ? [`In-Reply-To: <${reply}>`, `References: <${reply}>`] : []),
      '',
      body,
      '',
    ].join('\n');
  mkdirSync(join(home, 'mail'));
  writeFileSync(
    join(home, 'mail/archive.mbox'),
    message('Ada Lovelace <ada@client.example>', 'me@acme.example', 'Figures', 9, 't1@client.example', 'Could you send the updated figures?') +
      message('Me <me@acme.example>', 'Ada Lovelace <ada@client.example>', 'Re: Figures', 8, 't2@acme.example', 'Here they are! How was the trip to Lisbon?', 't1@client.example') +
      message('Bob Babbage <bob@other.example>', 'me@acme.example', 'Question', 3, 't3@other.example', 'Is the Friday slot still open?'),
  );
}

describe.each(testDialects())('the README on %s', (dialect) => {
  let dir: string;
  let env: Record<string, string>;
  let drop: () => Promise<void> = async () => undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-readme-'));
    env = { HOME: dir };
    if (dialect === 'postgres') {
      const database = await createPostgresDatabaseUrl();
      env.DATABASE_URL = database.url;
      drop = database.drop;
    }
  });
  afterEach(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tour of the command line runs as written', async () => {
    expect(tour).toBeDefined();
    writeArchive(dir);
    const outputs: string[] = [];
    for (const line of tour!) {
      const result = await bash(line, dir, env);
      expect(result.stderr, line).toBe('');
      expect(result.code, line).toBe(0);
      outputs.push(result.stdout);
    }
    const at = (command: string) => outputs[tour!.findIndex((line) => line.startsWith(`npx rapport ${command}`))]!;
    expect(at('import')).toMatch(/^Read 3, imported 3,/);
    expect(at('health')).toMatch(/^Ada Lovelace <ada@client\.example>/);
    expect(at('waiting')).toContain('Bob Babbage');
    expect(at('today')).toMatch(/reply — Bob Babbage/);
  }, 180_000);

  it('demo transcript shows what the program prints', async () => {
    expect(transcript).toBeDefined();
    const exports: string[] = [];
    let command: string | null = null;
    let expected: string[] = [];
    const check = async () => {
      if (command === null) return;
      const result = await bash(`${exports.join('\n')}\n${command}`, dir, env);
      expect(result.code, command).toBe(0);
      expect(mismatch(expected, result.stdout.replace(/\n$/, '').split('\n')), command).toBeNull();
    };
    for (const line of transcript!) {
      if (!line.startsWith('$ ')) {
        expected.push(line);
        continue;
      }
      await check();
      const text = line.slice(2);
      if (text.startsWith('export ')) {
        exports.push(text);
        command = null;
      } else command = text;
      expected = [];
    }
    await check();
  }, 300_000);
});
