/**
 * What the pure metric functions need about one contact, as plain data. The health
 * repository loads it; tests write it by hand. Every interaction here is dated before `now`.
 */
import type { Wait } from './waits.js';

export const DAY_MS = 86_400_000;

export interface MetricsSettings {
  nudge_gap_s: number;
  honeymoon_days: number;
  competitors: string[];
  sla: { default_s: number | null; by_tag: Record<string, number>; by_contact: Record<string, number> };
}

export interface MetricsContact {
  id: string;
  tags: string[];
  client_since: number | null;
  keep_in_touch_days: number | null;
}

/** One interaction the contact takes part in, with the contact's role in it. */
export interface ContactInteraction {
  id: string;
  kind: string;
  direction: string;
  at: number;
  automated: boolean;
  /** from | to | cc | bcc | attendee | with */
  role: string;
  sentiment: number | null;
  /** The message's own text; loaders may leave it null where no metric reads it. */
  text: string | null;
  /** Behaviour tags (and `ask`); loaders may leave them empty where no metric reads them (care reads ours of the last 180 days). */
  tags: string[];
}

export interface MetricsInput {
  now: number;
  contact: MetricsContact;
  interactions: ContactInteraction[];
  /** The waits of every thread the contact takes part in (walkThread). */
  waits: Wait[];
  settings: MetricsSettings;
}

/**
 * Whether the contact sent an inbound interaction: the `from` of imported mail, or a
 * participant of a logged one (`with`, `attendee`). Recipients copied on inbound mail did not
 * write it.
 */
export function isSenderRole(role: string): boolean {
  return role !== 'to' && role !== 'cc' && role !== 'bcc';
}

/** Half-open window [from, to). */
export function inWindow(at: number, from: number, to: number): boolean {
  return at >= from && at < to;
}
