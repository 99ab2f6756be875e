/**
 * Tables a person reads: `waiting` rows fit 100 columns and --limit shows the oldest N;
 * columns stay aligned under CJK names (display width, not string length).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { cliTarget } from '../../test/cli-target.js';
import { testDialects } from '../db/test-db.js';
import { displayWidth } from '../shared/display-width.js';
import { table } from './format.js';

const NOW = ['--now', '2026-03-02T10:00:00Z'];

describe('display width', () => {
  it('counts CJK as two columns and combining marks as none', () => {
    expect(displayWidth('山田太郎')).toBe(8);
    expect(displayWidth('김민준')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    const lines = table(['NAME', 'EMAIL'], [['山田太郎', 'taro@example.jp'], ['Ann', 'ann@example.org']]).split('\n');
    const column = (line: string) => displayWidth(line.slice(0, line.indexOf('@') - (line.includes('taro') ? 4 : 3)));
    expect(column(lines[2]!)).toBe(column(lines[3]!));
  });
});

describe.each(testDialects())('waiting on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ target, cleanup } = await cliTarget(dialect, 'waiting'));
    expect((await runCli([...target, ...NOW, 'demo', '--contacts', '40', '--seed', '7'])).code).toBe(0);
  }, 120_000);
  afterEach(async () => cleanup());

  it('fits 100 columns, aligns CJK names, and --limit shows the oldest', async () => {
    const all = json(await runCli([...target, ...NOW, 'waiting', '--json'])) as { contact: { id: string; name: string } }[];
    expect(all.length).toBeGreaterThan(3);
    expect((await runCli([...target, 'contacts', 'edit', all[0]!.contact.id, '--name', '山田太郎 (Yamada Tarō), Orchard Bakery procurement'])).code).toBe(0);
    const result = await runCli([...target, ...NOW, 'waiting']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(100);
    // The SINCE column starts at the same column on every row.
    const sinceAt = (line: string) => displayWidth(line.slice(0, line.search(/\d{4}-\d\d-\d\d \d\d:\d\d/)));
    expect(new Set(lines.slice(1).map(sinceAt)).size).toBe(1);
    expect(lines[1]).toContain('山田太郎');

    const limited = await runCli([...target, ...NOW, 'waiting', '--limit', '2']);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(limited.stdout).toContain(`… and ${all.length - 2} more (--limit)`);
    const renamed = json(await runCli([...target, ...NOW, 'waiting', '--json'])) as unknown[];
    expect(json(await runCli([...target, ...NOW, 'waiting', '--limit', '2', '--json']))).toEqual(renamed.slice(0, 2));
  }, 120_000);
});
