/**
 * A small mail generator for tests: messages described by sender, recipients, time and text
 * become an mbox that the real importer reads, so scenario tests go through threading,
 * closer detection and automated-mail rules exactly as users' mail does.
 */
export interface MailSpec {
  id: string;
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  /** ISO instant. */
  at: string;
  /** Message-ID (without brackets) of the parent. */
  replyTo?: string;
  text: string;
  headers?: Record<string, string>;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

function rfc2822(iso: string): string {
  const d = new Date(iso);
  return `${WEEKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function fromLine(iso: string): string {
  const d = new Date(iso);
  return `From x ${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The References chain of each message, following replyTo links among `all`. */
function referencesOf(m: MailSpec, all: MailSpec[]): string[] {
  const byId = new Map(all.map((x) => [x.id, x]));
  const chain: string[] = [];
  let parent = m.replyTo ? byId.get(m.replyTo) : undefined;
  while (parent) {
    chain.unshift(parent.id);
    parent = parent.replyTo ? byId.get(parent.replyTo) : undefined;
  }
  return chain;
}

export function toMbox(messages: MailSpec[], order: MailSpec[] = messages): string {
  return order
    .map((m) => {
      const refs = referencesOf(m, messages);
      const lines = [
        fromLine(m.at),
        `From: ${m.from}`,
        `To: ${m.to.join(', ')}`,
        ...(m.cc?.length ? [`Cc: ${m.cc.join(', ')}`] : []),
        `Subject: ${m.replyTo ? `Re: ${m.subject}` : m.subject}`,
        `Date: ${rfc2822(m.at)}`,
        `Message-ID: <${m.id}>`,
        ...(m.replyTo ? [`In-Reply-To: <${m.replyTo}>`, `References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
        ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
        '',
        m.text,
        '',
      ];
      return `${lines.join('\n')}\n`;
    })
    .join('');
}
