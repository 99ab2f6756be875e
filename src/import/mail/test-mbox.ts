/**
 * Generated mail for tests and the import benchmark: threads between the workspace
 * (me@acme.example, @acme.example) and customers, replies with In-Reply-To/References, some
 * automated mail, a few messages without Message-ID, and optionally attachments (for mailboxes
 * of realistic sizes). Deterministic for a seed; written as a stream, so a million messages
 * need no memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SENTENCES = [
  'Could you send the updated figures for the quarter?',
  'Thanks, that was really helpful.',
  'How was the trip to Lisbon?',
  'The invoice for March is attached, please send the payment by Friday.',
  'Did you know the new release cuts the import time in half?',
  'We met the deadline for the launch, the team worked all weekend.',
  'Any update on this? We are still waiting for the proposal.',
  'Great work on the presentation, your slides were excellent!',
  'I thought you would find this article about pricing useful.',
  'Let me check with the warehouse and come back to you tomorrow.',
];

const ASCTIME_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function asctime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${ASCTIME_DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export interface GeneratedMessage {
  from: string;
  to: string;
  subject: string;
  date: number;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  headers: string[];
  body: string;
  /** Size of a base64 attachment (a PDF by its name), or 0. */
  attachmentBytes: number;
}

export interface GenerateOptions {
  /** Average size of an attachment carried by one message in four; 0 (the default) for none. */
  attachmentBytes?: number;
}

/** The messages, in delivery order. */
export function* generateMessages(count: number, seed = 1, options: GenerateOptions = {}, start = Date.UTC(2024, 0, 1)): Generator<GeneratedMessage> {
  const rnd = prng(seed);
  const customers = Math.max(5, Math.round(count / 50));
  let time = start;
  let made = 0;
  let thread = 0;
  while (made < count) {
    thread += 1;
    const customer = `customer${Math.floor(rnd() * customers)}@client${Math.floor(rnd() * 40)}.example`;
    const automated = rnd() < 0.05;
    const length = 1 + Math.floor(rnd() * 6);
    const subject = `Order ${thread} ${automated ? 'shipped' : 'questions'}`;
    const ids: string[] = [];
    for (let i = 0; i < length && made < count; i++) {
      time += 1000 + Math.floor(rnd() * 3_600_000);
      const inbound = automated || i % 2 === 0;
      const from = automated ? `noreply@shop${thread % 7}.example` : inbound ? customer : 'me@acme.example';
      const to = inbound ? 'me@acme.example' : customer;
      const withoutId = rnd() < 0.01;
      const messageId = withoutId ? null : `m${seed}.${made}@${inbound ? 'client' : 'acme'}.example`;
      const quote = ids.length > 0 && rnd() < 0.5 ? `\nOn ${new Date(time - 3_600_000).toUTCString()}, someone wrote:\n> ${SENTENCES[Math.floor(rnd() * SENTENCES.length)]}\n> From the earlier mail\n` : '';
      const body = `Hello,\n\n${SENTENCES[Math.floor(rnd() * SENTENCES.length)]} ${SENTENCES[Math.floor(rnd() * SENTENCES.length)]}\n${quote}\n-- \nSent from my desk\n`;
      yield {
        from,
        to,
        subject: i === 0 ? subject : `Re: ${subject}`,
        date: time,
        messageId,
        inReplyTo: ids[ids.length - 1] ?? null,
        references: ids.slice(-5),
        headers: automated ? ['List-Id: <orders.shop.example>'] : [],
        body,
        // Drawn only when asked for: the messages without attachments stay those of older seeds.
        attachmentBytes: options.attachmentBytes && rnd() < 0.25 ? Math.round(options.attachmentBytes * (0.5 + rnd())) : 0,
      };
      if (messageId) ids.push(messageId);
      made += 1;
    }
  }
}

// Attachment content: base64 of seeded bytes, cut to each attachment's size (content never matters).
const BASE64_LINE = 76;
let base64Pool = '';
function base64Of(bytes: number): string {
  const chars = Math.ceil(bytes / 3) * 4;
  if (base64Pool.length < chars) {
    const rnd = prng(99);
    const raw = Buffer.alloc(Math.max(chars, 1 << 20));
    for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rnd() * 256);
    base64Pool = raw.toString('base64');
  }
  const lines: string[] = [];
  for (let at = 0; at < chars; at += BASE64_LINE) lines.push(base64Pool.slice(at, Math.min(chars, at + BASE64_LINE)));
  return lines.join('\n');
}

export function formatMessage(m: GeneratedMessage): string {
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${new Date(m.date).toUTCString().replace('GMT', '+0000')}`,
  ];
  if (m.messageId) lines.push(`Message-ID: <${m.messageId}>`);
  if (m.inReplyTo) lines.push(`In-Reply-To: <${m.inReplyTo}>`);
  if (m.references.length > 0) lines.push(`References: ${m.references.map((r) => `<${r}>`).join(' ')}`);
  const body = m.body.replace(/^(>*From )/gm, '>$1');
  if (m.attachmentBytes === 0) {
    lines.push(...m.headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '');
    return `${lines.join('\n')}\n${body}`;
  }
  const boundary = 'bench-boundary';
  lines.push(...m.headers, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, '');
  return [
    ...lines,
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    `--${boundary}`,
    'Content-Type: application/pdf; name="document.pdf"',
    'Content-Disposition: attachment; filename="document.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Of(m.attachmentBytes),
    `--${boundary}--`,
    '',
  ].join('\n');
}

/** mboxrd text of the messages. */
export function toMbox(messages: Iterable<GeneratedMessage>): string {
  let out = '';
  for (const m of messages) out += `From ${m.from} ${asctime(m.date)}\n${formatMessage(m)}\n`;
  return out;
}

/** Writes a generated mbox of `count` messages to `path`, streaming. */
export async function writeGeneratedMbox(path: string, count: number, seed = 1, options: GenerateOptions = {}): Promise<void> {
  const out = createWriteStream(path);
  let buffer = '';
  for (const m of generateMessages(count, seed, options)) {
    buffer += `From ${m.from} ${asctime(m.date)}\n${formatMessage(m)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

/** Fisher–Yates with a seed. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const rnd = prng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
