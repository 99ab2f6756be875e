import { describe, expect, it } from 'vitest';
import type { ParseContext } from './parse-message.js';
import { createInlineParser, createWorkerParser, type RawItem } from './parser-pool.js';
import { formatMessage, generateMessages } from './test-mbox.js';

const ctx: ParseContext = { own_addresses: ['me@acme.example'], own_domains: ['acme.example'], include_lists: false, competitors: [], knowledgeUrls: [] };

function requests(count: number, size: number): RawItem[][] {
  const messages = [...generateMessages(count * size, 7, { attachmentBytes: 2048 })];
  const encoder = new TextEncoder();
  return Array.from({ length: count }, (_, r) =>
    messages.slice(r * size, (r + 1) * size).map((m) => ({ raw: encoder.encode(formatMessage(m)), fallback: { fileTime: 0 } })),
  );
}

describe('parser pool', () => {
  it('answers every request as parsing on the main thread does, while a second thread joins mid-stream', async () => {
    const batches = requests(6, 40);
    const inline = createInlineParser(ctx);
    const expected = await Promise.all(batches.map((b) => inline.parse(b)));

    const pool = createWorkerParser(ctx, 1, 2);
    try {
      const first = batches.slice(0, 3).map((b) => pool.parse(b));
      pool.grow();
      pool.grow(); // beyond the maximum: no third thread, and no harm
      const rest = batches.slice(3).map((b) => pool.parse(b));
      const answers = await Promise.all([...first, ...rest]);
      expect(answers.map((a) => JSON.parse(a))).toEqual(expected.map((e) => JSON.parse(e)));
      expect(JSON.parse(answers[5]!)).toHaveLength(40);
    } finally {
      await pool.close();
    }
  });
});
