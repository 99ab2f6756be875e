/**
 * The attentiveness metrics of SPEC §4 and the health of §5, as plain data. These names are
 * the public contract of `health --json` (`metrics` and `factors`), the API and the web app:
 * never rename one. Durations are seconds, rates per 30 days, ratios plain numbers.
 */
import type { ContactHealthSummary, HealthStatus, Stage } from '../contacts/contacts.schema.js';

export interface ContactMetrics {
  // §4.2 responsiveness (window 90 days)
  replies: number;
  reply_median_s: number | null;
  reply_p90_s: number | null;
  reply_median_business_s: number | null;
  open_waits: number;
  oldest_wait_s: number | null;
  oldest_wait_business_s: number | null;
  nudges: number;
  nudge_rate: number | null;
  // §4.3 their engagement
  inbound_per_30d: number;
  baseline_inbound_per_30d: number | null;
  sentiment_90d: number | null;
  competitor_mentions_90d: number;
  // §4.4 attention
  touches_per_30d: number;
  baseline_touches_per_30d: number | null;
  attention_ratio: number | null;
  days_since_last_touch: number | null;
  typical_gap_days: number;
  overdue: boolean;
  // §4.5 care and reciprocity (window 180 days)
  behaviors_180d: Record<string, number>;
  gives_180d: number;
  asks_180d: number;
  // SLA (issue 4): replies in the 90-day window slower than the contact's target, in business time.
  sla_target_business_s: number | null;
  sla_breaches_90d: number;
}

export const FACTOR_NAMES = ['responsiveness', 'attention', 'care', 'engagement', 'reciprocity'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

export interface Factor {
  value: number | null;
  weight: number;
  /** One plain sentence with the numbers behind the value. */
  explanation: string;
}

export interface ContactHealth {
  contact: { id: string; name: string; email: string | null };
  score: number | null;
  status: HealthStatus | null;
  slipping: boolean;
  stage: Stage;
  factors: Record<FactorName, Factor>;
  metrics: ContactMetrics;
}

/** An open wait (SPEC §4.1) as `waiting --json` prints it. */
export interface OpenWait {
  contact: { id: string; name: string; email: string | null };
  thread_id: string;
  subject: string | null;
  since: string;
  wait_s: number;
  wait_business_s: number;
  nudges: number;
  /** The workspace's competitors named in this thread's inbound mail, sorted; empty when none. */
  competitors: string[];
}

/** An open wait as the Waiting page shows it: with the contact's health, null before the first rescore. */
export interface WaitingRow extends OpenWait {
  health: ContactHealthSummary | null;
}
