import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMbox, unquoteFromLines } from './mbox-reader.js';
import { CORPORA } from '../../test/corpora.js';

const dir = mkdtempSync(join(tmpdir(), 'mbox-reader-'));

async function readAll(path: string, start = 0, max?: number) {
  const out = [];
  for await (const m of readMbox(path, start, max)) out.push(m);
  return out;
}

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readMbox', () => {
  it.each([
    ['email-threads-apache-lists/mbox/maven-dev-2017-11-mboxvm.mbox', 317],
    ['email-threads-apache-lists/mbox/httpd-users-2020-07.mbox', 108],
    ['email-threads-apache-lists/mbox/commits_ponymail_apache_org_2016-06.mbox', 82],
    // Netscape mbox: "From - " envelopes without a blank line before them (Content-Length style).
    ['mime-mimekit/mbox/content-length.mbox.txt', 29],
    ['mime-mimekit/mbox/simple.mbox.txt', 3],
  ])('splits %s into %i messages', async (file, count) => {
    const messages = await readAll(join(CORPORA, file));
    expect(messages).toHaveLength(count);
    expect(messages.every((m) => m.raw && !m.skipped)).toBe(true);
  });

  it('keeps an unmunged "From Russia with love" body line inside its message (mboxo)', async () => {
    const messages = await readAll(join(CORPORA, 'mime-mimekit/mbox/unmunged.mbox.txt'));
    expect(messages).toHaveLength(2);
    expect(messages[0]!.raw!.toString()).toContain('From Russia with love');
    expect(messages[1]!.raw!.toString()).toContain('From Russia with love\nYear: 1963');
  });

  it('unquotes mboxrd ">From " lines one level and drops the envelope line', async () => {
    const path = write('rd.mbox', 'From a@x Mon Mar  3 09:00:00 2025\nFrom: a@x\n\n>From here\n>>From there\n> From not this\n\nFrom b@x Mon Mar  3 10:00:00 2025\nFrom: b@x\n\nhi\n');
    const [first, second] = await readAll(path);
    expect(first!.raw!.toString()).toBe('From: a@x\n\nFrom here\n>From there\n> From not this\n\n');
    expect(first!.envelope).toBe('a@x Mon Mar  3 09:00:00 2025');
    expect(second!.raw!.toString()).toBe('From: b@x\n\nhi\n');
    expect(unquoteFromLines(Buffer.from('>From x'))).toEqual(Buffer.from('From x'));
  });

  it('handles CRLF files and a byte-order mark', async () => {
    const path = write('crlf.mbox', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('From - \r\nFrom: a@x\r\n\r\nbody\r\n\r\nFrom - \r\nFrom: b@x\r\n\r\nbody 2\r\n')]));
    const messages = await readAll(path);
    expect(messages.map((m) => m.raw!.toString().split('\r\n')[0])).toEqual(['From: a@x', 'From: b@x']);
  });

  it('resumes at the end offset of any message, yielding exactly the rest', async () => {
    const path = join(CORPORA, 'email-threads-apache-lists/mbox/maven-dev-2017-11-mboxvm.mbox');
    const all = await readAll(path);
    for (const k of [0, 1, 150, 316]) {
      const rest = await readAll(path, all[k]!.end);
      expect(rest).toHaveLength(316 - k);
      if (rest.length > 0) expect(rest[0]!.raw!.equals(all[k + 1]!.raw!)).toBe(true);
    }
  });

  it('skips a message larger than the limit with a reason, and goes on', async () => {
    const big = 'x'.repeat(5000);
    const path = write('big.mbox', `From a@x Mon Mar  3 09:00:00 2025\nFrom: a@x\n\n${big}\n\nFrom b@x Mon Mar  3 10:00:00 2025\nFrom: b@x\n\nsmall\n`);
    const [first, second] = await readAll(path, 0, 1000);
    expect(first).toMatchObject({ raw: null, skipped: expect.stringContaining('larger than 1000 bytes') });
    expect(second!.raw!.toString()).toContain('small');
  });

  it('keeps every byte of messages that straddle reads, small ones and one of several megabytes', async () => {
    // Distinct lines, so that a lost, doubled or overwritten stretch shows.
    const body = (tag: string, lines: number) => Array.from({ length: lines }, (_, i) => `${tag} line ${i} ${'~'.repeat(i % 50)}`).join('\n');
    const bodies = [body('a', 3000), body('b', 150_000), ...Array.from({ length: 400 }, (_, i) => body(`c${i}`, 40 + (i % 90)))];
    const text = bodies.map((b, i) => `From m${i}@x Mon Mar  3 09:00:00 2025\nFrom: m${i}@x\n\n${b}\n`).join('\n');
    const messages = await readAll(write('straddling.mbox', text));
    expect(messages).toHaveLength(bodies.length);
    expect(messages[1]!.raw!.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(messages.map((m) => m.raw!.toString())).toEqual(bodies.map((b, i) => `From: m${i}@x\n\n${b}\n${i < bodies.length - 1 ? '\n' : ''}`));
  });

  it('reports a file that is not an mbox instead of inventing a message', async () => {
    const messages = await readAll(write('not.mbox', 'hello\nworld\n'));
    expect(messages).toEqual([expect.objectContaining({ raw: null, skipped: expect.stringContaining('not an mbox') })]);
  });
});
