/**
 * What users read (every --help text, the API reference, the README) speaks of the product,
 * never of a document they do not have: no "SPEC", no "§" section numbers, no paths into
 * the team's shared folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupApi, type ApiFixture } from '../app/test-server.js';
import { buildProgram } from './main.js';

const INTERNAL = /SPEC|§|shared\/contract/;

function helpTexts(command: Command, path: string[] = []): [string, string][] {
  const here = [...path, command.name()];
  return [[here.join(' '), command.helpInformation()], ...command.commands.flatMap((sub) => helpTexts(sub, here))];
}

describe('user-facing text', () => {
  it('--help of every command names no internal document', () => {
    const texts = helpTexts(buildProgram());
    expect(texts.length).toBeGreaterThan(30);
    for (const [command, text] of texts) expect(text, command).not.toMatch(INTERNAL);
  });

  it('the README names no internal document', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme.split('\n').filter((line) => INTERNAL.test(line))).toEqual([]);
  });

  describe('the API reference', () => {
    let f: ApiFixture;
    beforeAll(async () => {
      f = await setupApi('sqlite');
    });
    afterAll(async () => f.close());

    it('names no internal document', async () => {
      const doc = (await f.app.inject({ url: '/api/v1/openapi.json' })).body;
      expect(doc.match(new RegExp(`.{0,60}(${INTERNAL.source}).{0,60}`, 'g')) ?? []).toEqual([]);
    });
  });
});
