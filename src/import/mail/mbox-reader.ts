/**
 * Streams the messages of an mbox file without loading it: mboxo and mboxrd. A message starts
 * at a `From ` line at the start of the file (a byte-order mark allowed) or after a blank line,
 * when that line looks like an envelope (`From <sender> [<asctime date>]`) and the next line is
 * a header field. The extra conditions keep unquoted "From Russia with love" body lines (mboxo
 * writers that never munged) inside their message. `>From ` lines are unquoted one level
 * (mboxrd; harmless for mboxo, whose writers quoted the same way).
 */
import { open } from 'node:fs/promises';

export interface MboxItem {
  /**
   * The message without its envelope line, unquoted. Null when it was skipped (`skipped` says
   * why). A view of the read buffer: keeping it keeps that buffer (the import copies the
   * messages it sends to its parsers and keeps none).
   */
  raw: Buffer | null;
  skipped?: string;
  /** Byte offset of the envelope line. */
  offset: number;
  /** Byte offset just after the message: where a resumed import starts reading. */
  end: number;
  /** The envelope line after `From `, e.g. `ada@x Mon Mar  3 09:00:00 2025`. */
  envelope: string;
}

const NL = 0x0a;
const CR = 0x0d;
const FROM = Buffer.from('From ');
const NL_FROM = Buffer.from('\nFrom ');
const ENVELOPE = /^From (\S*)(?:[ \t]+(.*?))?[ \t]*\r?$/;
// Envelopes trusted even without the blank line before them: Netscape/Thunderbird's "From - "
// (they write Content-Length instead of a blank line) and full asctime dates.
const TRUSTED_ENVELOPE = /^From (?:-|\S+ +\w{3} \w{3} [ \d]\d \d\d:\d\d(?::\d\d)? .*\d{4})[ \t]*(?:\s.*)?\r?$/;
const HEADER_LINE = /^[!-9;-~]+[ \t]*:/;
const BOM = [0xef, 0xbb, 0xbf];
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const READ_BYTES = 1 << 20;

function isEnvelopeLine(line: string): boolean {
  const m = ENVELOPE.exec(line);
  if (!m) return false;
  const rest = m[2] ?? '';
  // Either no date at all (Thunderbird writes "From - ") or one containing a clock time.
  return rest === '' || /\d{1,2}:\d\d/.test(rest);
}

function precededByBlankLine(buf: Buffer, p: number): boolean {
  if (p < 2) return false;
  if (buf[p - 2] === NL) return true;
  return p >= 3 && buf[p - 2] === CR && buf[p - 3] === NL;
}

/** Removes one `>` from every line that matches `^>+From `. Copies only when there is one. */
export function unquoteFromLines(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  const nextQuoted = (from: number) => {
    const at = buf.indexOf('\n>', from);
    return at === -1 ? -1 : at + 1;
  };
  let lineStart = buf[0] === 0x3e ? 0 : nextQuoted(0);
  while (lineStart !== -1) {
    let j = lineStart;
    while (buf[j] === 0x3e) j++;
    if (buf.subarray(j, j + 5).equals(FROM)) {
      parts.push(buf.subarray(last, lineStart));
      last = lineStart + 1;
    }
    lineStart = nextQuoted(lineStart);
  }
  if (parts.length === 0) return buf;
  parts.push(buf.subarray(last));
  return Buffer.concat(parts);
}

/**
 * The messages of `path` from byte `start` on (0, or the `end` of a message read before).
 * Memory holds at most one message plus one read chunk; a message over MAX_MESSAGE_BYTES is
 * skipped with a reason rather than buffered.
 *
 * Reads land in a store buffer after the bytes not yet consumed; a new store, into which those
 * are copied, only once it is full. Messages are views of a store, which is never written below
 * what it holds, so they stay valid; and a megabyte read costs one allocation, not the two of a
 * read stream's chunk plus its concatenation (a 1 GB import peaked lower without that garbage).
 */
export async function* readMbox(path: string, start = 0, maxMessageBytes = MAX_MESSAGE_BYTES): AsyncGenerator<MboxItem> {
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = start; // absolute offset of buf[0]
  let msgStart = -1; // index in buf of the current message's envelope line
  let skipping: { offset: number } | null = null; // the current message is too large: drop its bytes
  let seenFirst = false;
  let scan = 0; // where the next separator search starts
  let eof = false;
  let envelope = '';
  const file = await open(path);
  let store = Buffer.alloc(0);
  let fill = 0; // bytes of store in use: buf always ends there
  let position = start; // file offset of the next read
  const readMore = async (): Promise<boolean> => {
    if (store.length - fill < READ_BYTES) {
      // Doubling for a message that spans many reads, so that its bytes are copied O(1) times each.
      store = Buffer.allocUnsafe(Math.max(2 * READ_BYTES, 2 * buf.length));
      buf.copy(store);
      fill = buf.length;
    }
    const { bytesRead } = await file.read(store, fill, store.length - fill, position);
    position += bytesRead;
    const unread = buf.length;
    fill += bytesRead;
    buf = store.subarray(fill - unread - bytesRead, fill);
    return bytesRead > 0;
  };

  const finish = (to: number): MboxItem => {
    const end = bufStart + to;
    if (!skipping && to - msgStart > maxMessageBytes) skipping = { offset: bufStart + msgStart };
    if (skipping) return { raw: null, skipped: `message larger than ${maxMessageBytes} bytes`, offset: skipping.offset, end, envelope };
    const lineEnd = buf.indexOf(NL, msgStart);
    const bodyStart = lineEnd === -1 || lineEnd >= to ? to : lineEnd + 1;
    const raw = unquoteFromLines(buf.subarray(bodyStart, to));
    return { raw, offset: bufStart + msgStart, end, envelope };
  };

  try {
    for (;;) {
      for (;;) {
        let p = -1;
        if (!seenFirst && bufStart === start && scan === 0) {
          const bom = start === 0 && BOM.every((b, k) => buf[k] === b) ? 3 : 0;
          if (buf.length < bom + 5 && !eof) break;
          if (buf.subarray(bom, bom + 5).equals(FROM)) p = bom;
        }
        if (p === -1) {
          const nl = buf.indexOf(NL_FROM, Math.max(0, scan - 1));
          if (nl === -1) {
            scan = Math.max(scan, buf.length - 6);
            break;
          }
          p = nl + 1;
        }
        const lineEnd = buf.indexOf(NL, p);
        const nextEnd = lineEnd === -1 ? -1 : buf.indexOf(NL, lineEnd + 1);
        if ((lineEnd === -1 || nextEnd === -1) && !eof) break; // need more bytes to decide
        const line = buf.toString('latin1', p, lineEnd === -1 ? buf.length : lineEnd);
        const next = lineEnd === -1 ? '' : buf.toString('latin1', lineEnd + 1, nextEnd === -1 ? buf.length : nextEnd);
        const atStart = !seenFirst && bufStart + p <= start + 3;
        const separator =
          isEnvelopeLine(line) && HEADER_LINE.test(next) && (atStart || precededByBlankLine(buf, p) || TRUSTED_ENVELOPE.test(line));
        scan = p + 1;
        if (!separator) continue;
        if (seenFirst) yield finish(p);
        else if (buf.subarray(0, p).toString('latin1').replace(/^\uFEFF|^\u00ef\u00bb\u00bf/, '').trim() !== '') {
          yield { raw: null, skipped: 'text before the first "From " line is not a message', offset: bufStart, end: bufStart + p, envelope: '' };
        }
        seenFirst = true;
        skipping = null;
        envelope = line.replace(/^From /, '').trim();
        msgStart = p;
      }
      if (eof) break;
      if (seenFirst && !skipping && buf.length - msgStart > maxMessageBytes) skipping = { offset: bufStart + msgStart };
      // Drop what is behind us (all of a skipped message but a tail where a separator may straddle chunks).
      const keepFrom = seenFirst && !skipping ? msgStart : Math.max(0, Math.min(scan, buf.length - 8));
      if (keepFrom > 0) {
        buf = buf.subarray(keepFrom);
        bufStart += keepFrom;
        scan = Math.max(0, scan - keepFrom);
        msgStart = Math.max(0, msgStart - keepFrom);
      }
      if (!(await readMore())) eof = true;
    }
    if (seenFirst) yield finish(buf.length);
    else if (buf.toString('latin1').trim() !== '') {
      yield { raw: null, skipped: 'no "From " line: this is not an mbox file', offset: bufStart, end: bufStart + buf.length, envelope: '' };
    }
  } finally {
    await file.close();
  }
}
