/**
 * The parse workers swap Node's Blob for FastBlob (fast-blob.ts): every mail file of the
 * corpora must parse to exactly the same record either way, so the swap changes speed only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMbox } from './mbox-reader.js';
import { FastBlob } from './fast-blob.js';
import { parseMail, type ParseContext } from './parse-message.js';
import { CORPORA } from '../../test/corpora.js';

const ctx: ParseContext = { own_addresses: ['me@acme.example'], own_domains: ['acme.example'], include_lists: false, competitors: ['Globex'], knowledgeUrls: [] };
const NodeBlob = globalThis.Blob;

async function rawMessages(): Promise<{ where: string; raw: Uint8Array }[]> {
  const out: { where: string; raw: Uint8Array }[] = [];
  const sets = ['mime-mikel-mail', 'mime-mimekit', 'mime-nodemailer-mailparser', 'email-threads-notmuch-maildir', 'email-threads-apache-lists'];
  for (const set of sets) {
    const files = readdirSync(join(CORPORA, set), { recursive: true, encoding: 'utf8' }).map((f) => join(CORPORA, set, f));
    for (const f of files.sort()) {
      if (!statSync(f).isFile() || /(LICENSE[^/]*|SOURCE\.md|README[^/]*)$/.test(f)) continue;
      if (f.includes('/mbox/') || f.endsWith('.mbox') || set === 'email-threads-apache-lists') {
        let n = 0;
        for await (const m of readMbox(f)) if (m.raw && n++ < 200) out.push({ where: `${f}#${n}`, raw: m.raw });
      } else {
        out.push({ where: f, raw: readFileSync(f) });
      }
    }
  }
  return out;
}

afterEach(() => {
  globalThis.Blob = NodeBlob;
});

describe('FastBlob', () => {
  it('joins string and byte parts like Blob', async () => {
    const parts = [new TextEncoder().encode('héllo'), '\n', new Uint8Array([0, 255]).subarray(1)];
    const fast = new FastBlob(parts, { type: 'application/octet-stream' });
    const node = new NodeBlob(parts, { type: 'application/octet-stream' });
    expect(fast.size).toBe(node.size);
    expect(new Uint8Array(await fast.arrayBuffer())).toEqual(new Uint8Array(await node.arrayBuffer()));
  });

  it('parses every corpus message exactly as with Node’s Blob', async () => {
    const messages = await rawMessages();
    expect(messages.length).toBeGreaterThan(300);
    const withNode = [];
    for (const m of messages) withNode.push(await parseMail(m.raw, { fileTime: 0 }, ctx));
    globalThis.Blob = FastBlob as unknown as typeof Blob;
    for (const [i, m] of messages.entries()) expect(await parseMail(m.raw, { fileTime: 0 }, ctx), m.where).toEqual(withNode[i]);
  }, 120_000);
});
