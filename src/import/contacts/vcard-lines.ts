/**
 * The line layer of vCard reading: splits a stream of lines into cards, and rewrites the
 * vCard 2.1 syntax that ical.js does not read (bare parameters like `TEL;WORK;VOICE`,
 * quoted-printable values with `=` soft line breaks, CHARSET) into vCard 3.0 syntax. Binary
 * properties (photos, logos, sounds, keys, embedded AGENT cards) are dropped here: Rapport
 * keeps none of them and 2.1 base64 blocks are not valid 3.0.
 */
import { TextDecoder } from 'node:util';

export interface RawCard {
  /** 1-based position of the card in the file. */
  index: number;
  /** 1-based line of its BEGIN:VCARD. */
  line: number;
  lines: string[];
  /** Set when the file ended before END:VCARD. */
  unterminated?: boolean;
}

const BEGIN = /^\s*begin\s*:\s*vcard\s*$/i;
const END = /^\s*end\s*:\s*vcard\s*$/i;

/** Groups lines into cards; nested cards (2.1 AGENT) stay inside their parent. Lines outside cards are ignored. */
export async function* splitCards(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<RawCard> {
  let current: RawCard | null = null;
  let depth = 0;
  let lineNo = 0;
  let index = 0;
  for await (const raw of lines) {
    lineNo += 1;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (BEGIN.test(line)) {
      if (depth === 0) {
        index += 1;
        current = { index, line: lineNo, lines: [] };
      }
      depth += 1;
      if (depth > 1) current?.lines.push(line);
      continue;
    }
    if (END.test(line) && depth > 0) {
      depth -= 1;
      if (depth === 0 && current) {
        yield current;
        current = null;
      } else current?.lines.push(line);
      continue;
    }
    current?.lines.push(line);
  }
  if (current) yield { ...current, unterminated: true };
}

const BINARY = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY', 'AGENT']);
const ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);

interface Param {
  name: string;
  value: string;
}

interface ContentLine {
  group: string | null;
  name: string;
  params: Param[];
  value: string;
}

/** Splits `group.NAME;p=v;BARE:value`, honouring double quotes in parameter values. */
function parseContentLine(line: string): ContentLine | null {
  let i = 0;
  let inQuotes = false;
  const parts: string[] = [];
  let start = 0;
  for (; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === ';') {
      parts.push(line.slice(start, i));
      start = i + 1;
    } else if (!inQuotes && ch === ':') break;
  }
  if (i >= line.length) return null;
  parts.push(line.slice(start, i));
  const [head, ...rawParams] = parts;
  const nameMatch = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$/.exec((head ?? '').trim());
  if (!nameMatch) return null;
  const params: Param[] = [];
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq < 0) {
      const bare = p.trim().toUpperCase();
      if (bare) params.push({ name: ENCODINGS.has(bare) ? 'ENCODING' : 'TYPE', value: bare });
    } else {
      params.push({ name: p.slice(0, eq).trim().toUpperCase(), value: p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1') });
    }
  }
  return { group: nameMatch[1] ?? null, name: nameMatch[2]!.toUpperCase(), params, value: line.slice(i + 1) };
}

function paramOf(line: ContentLine, name: string): string | undefined {
  return line.params.find((p) => p.name === name)?.value;
}

function isQuotedPrintable(line: string): boolean {
  return /;\s*(ENCODING\s*=\s*)?QUOTED-PRINTABLE\s*[;:]/i.test(line.split(':')[0] + ':');
}

/** Decodes quoted-printable bytes in the given charset (unknown charsets read as UTF-8). */
export function decodeQuotedPrintable(text: string, charset = 'utf-8'): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '=' && i === text.length - 1) {
      // trailing soft line break
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.toLowerCase());
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(Uint8Array.from(bytes));
}

/** Joins folded lines: leading white space continues a line; a QP value ending in `=` continues on the next line. */
export function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.length - 1;
    // A QP soft break first: its continuation may itself start with an encoded space.
    if (last >= 0 && out[last]!.endsWith('=') && isQuotedPrintable(out[last]!)) {
      out[last] = out[last]!.slice(0, -1) + line;
    } else if (last >= 0 && /^[ \t]/.test(line)) {
      out[last] += line.slice(1);
    } else if (line.trim() !== '') {
      out.push(line);
    }
  }
  return out;
}

function formatParam(p: Param): string {
  return /[:;,"]/.test(p.value) ? `${p.name}="${p.value.replace(/"/g, "'")}"` : `${p.name}=${p.value}`;
}

/**
 * Rewrites one card's lines as a vCard 3.0/4.0 text ical.js can parse.
 * 2.1 only escapes semicolons, so other text passes unchanged apart from decoded line breaks.
 */
export function normalizeCard(card: RawCard): string {
  const out: string[] = ['BEGIN:VCARD'];
  let nested = 0;
  const isLegacy = card.lines.some((l) => /^\s*version\s*:\s*2\.1\s*$/i.test(l));
  const body: string[] = [];
  for (const line of unfold(card.lines)) {
    if (BEGIN.test(line)) nested += 1;
    else if (END.test(line)) nested = Math.max(0, nested - 1);
    if (nested > 0 || END.test(line)) continue;
    const parsed = parseContentLine(line);
    if (!parsed) continue;
    if (parsed.name === 'VERSION') continue;
    if (BINARY.has(parsed.name)) continue;
    let value = parsed.value;
    const encoding = paramOf(parsed, 'ENCODING')?.toUpperCase();
    if (encoding === 'QUOTED-PRINTABLE') {
      value = decodeQuotedPrintable(value, paramOf(parsed, 'CHARSET') ?? 'utf-8').replace(/\r\n|\r|\n/g, '\\n');
    } else if (encoding === 'BASE64' || encoding === 'B') {
      continue;
    }
    // 2.1 never escapes commas; in 3.0 an unescaped comma separates values.
    if (isLegacy) value = value.replace(/,/g, '\\,');
    const params = parsed.params.filter((p) => p.name !== 'ENCODING' && p.name !== 'CHARSET');
    const head = [(parsed.group ? `${parsed.group}.` : '') + parsed.name, ...params.map(formatParam)].join(';');
    body.push(`${head}:${value}`);
  }
  // ical.js picks its vCard 3 rules for VERSION:3.0; 2.1 is closest to those.
  out.push(isLegacy ? 'VERSION:3.0' : versionLine(card.lines), ...body, 'END:VCARD');
  return out.join('\r\n');
}

function versionLine(lines: string[]): string {
  const v = lines.find((l) => /^version\s*:/i.test(l.trim()));
  const value = v?.split(':')[1]?.trim();
  return value === '4.0' ? 'VERSION:4.0' : 'VERSION:3.0';
}
