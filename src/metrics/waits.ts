/**
 * Waits, replies and nudges (SPEC §4.1). A thread's messages are walked in time order, ties
 * broken by import order (interaction id order). Callers pass only the messages that count:
 * non-automated, non-internal emails dated before `now`.
 */

export interface ThreadMessage {
  id: string;
  at: number;
  direction: 'in' | 'out';
  /** Stored at import: a short thank-you that starts no wait. */
  isCloser: boolean;
  /** For inbound mail the contacts who sent it; ignored for outbound. */
  senders: string[];
}

export interface Wait {
  threadId: string;
  /** The contacts the wait is attributed to: the senders of the message that started it. */
  senders: string[];
  /** Time of `pending`, the message that started the wait. */
  start: number;
  nudges: { at: number; senders: string[] }[];
  /** Time of the reply; null while the wait is open. */
  repliedAt: number | null;
}

export function compareMessages(a: { at: number; id: string }, b: { at: number; id: string }): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every wait of one thread, answered or still open. */
export function walkThread(threadId: string, messages: readonly ThreadMessage[], nudgeGapMs: number): Wait[] {
  const ordered = [...messages].sort(compareMessages);
  const waits: Wait[] = [];
  let pending: Wait | null = null;
  let lastIn = 0;
  for (const m of ordered) {
    if (m.direction === 'in') {
      if (!pending) {
        // Closers only matter here: a "thanks!" while nobody waits starts nothing.
        if (m.isCloser) continue;
        pending = { threadId, senders: m.senders, start: m.at, nudges: [], repliedAt: null };
        lastIn = m.at;
      } else {
        if (m.at - lastIn >= nudgeGapMs) pending.nudges.push({ at: m.at, senders: m.senders });
        lastIn = m.at;
      }
    } else if (pending) {
      pending.repliedAt = m.at;
      waits.push(pending);
      pending = null;
    }
  }
  if (pending) waits.push(pending);
  return waits;
}
