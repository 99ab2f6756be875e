/**
 * Everything the suggestion engine reads, as plain data: no database, no clock. The service
 * (suggestions.service.ts) loads it; tests build it by hand.
 */
import type { ContactKind, HealthStatus, Stage } from '../contacts/contacts.schema.js';
import type { FactKind } from '../facts/facts.schema.js';
import type { ContactMetrics } from '../metrics/metrics.types.js';

export interface EngineSettings {
  time_zone: string;
  honeymoon_days: number;
  /** Length of one business day in seconds (business hours end − start). */
  business_day_s: number;
}

export type EngineMetrics = Pick<
  ContactMetrics,
  'overdue' | 'days_since_last_touch' | 'typical_gap_days' | 'competitor_mentions_90d' | 'attention_ratio' | 'gives_180d' | 'asks_180d'
>;

export interface EngineContact {
  id: string;
  name: string;
  email: string | null;
  kind: ContactKind;
  stage: Stage;
  /** SPEC §4.4 relationship start, epoch ms. */
  relationship_start: number;
  client_since: number | null;
  keep_in_touch_days: number | null;
  score: number | null;
  status: HealthStatus | null;
  slipping: boolean;
  last_touch_at: number | null;
  /** Stored §4 metrics; null before the first scoring. */
  metrics: EngineMetrics | null;
  /** Latest outbound interaction that was a surprise (kind or tag). */
  last_surprise_at: number | null;
  /** Latest outbound interaction tagged compliment. */
  last_compliment_at: number | null;
  /** Latest outbound interaction tagged interest. */
  last_interest_at: number | null;
}

export interface EngineWait {
  contact_id: string;
  thread_id: string;
  subject: string | null;
  /** When the wait started (the unanswered inbound message). */
  since: number;
  wait_business_s: number;
  nudges: number;
  /** Their latest message in the wait (the last nudge), when known. */
  last_in_at: number | null;
  /** Competitors their recent mail named. */
  competitors: string[];
}

export interface EngineFact {
  id: string;
  contact_id: string;
  kind: FactKind;
  text: string;
  date: string | null;
  yearly: boolean;
  created_at: number;
}

export interface EngineCommitment {
  id: string;
  contact_id: string;
  text: string;
  due_at: number;
}

export interface EngineKnowledge {
  id: string;
  title: string;
  url: string | null;
  topics: string[];
  created_at: number;
}

/** An achievement found in their mail by a rule ("we launched", "promoted"…). */
export interface EngineAchievement {
  contact_id: string;
  interaction_id: string;
  at: number;
  /** The rule that fired. */
  rule: string;
  /** The words that show it, e.g. "we launched the new app". */
  excerpt: string;
}

/** A click on a newsletter link by a subscriber who is (or whose address is) a contact. */
export interface EngineClick {
  contact_id: string;
  /** Null for a link in a drip message. */
  campaign_id: string | null;
  /** The subject, when the click came from a campaign. */
  subject: string | null;
  url: string;
  at: number;
}

export interface EngineInput {
  settings: EngineSettings;
  contacts: EngineContact[];
  waits: EngineWait[];
  facts: EngineFact[];
  /** Open commitments. */
  commitments: EngineCommitment[];
  knowledge: EngineKnowledge[];
  shares: { knowledge_id: string; contact_id: string }[];
  achievements: EngineAchievement[];
  /** Newsletter link clicks of the last 14 days (absent: none). */
  newsletter_clicks?: EngineClick[];
}
