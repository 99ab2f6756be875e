/**
 * All §4 metrics of one contact at `now`: a pure function of the loaded data. The detail
 * (relationship start, honeymoon state, distinct gives…) feeds the §5 score and its
 * explanations without computing anything twice.
 */
import { computeAttention, type Attention } from './attention.js';
import type { BusinessClock } from './business-time.js';
import { computeCare, type Care } from './care.js';
import { computeEngagement, makeCompetitorMatcher, type Engagement } from './engagement.js';
import type { MetricsInput } from './inputs.js';
import type { ContactMetrics } from './metrics.types.js';
import { computeResponsiveness, slaTargetFor, type Responsiveness } from './responsiveness.js';

export interface MetricsDetail {
  responsiveness: Responsiveness;
  engagement: Engagement;
  attention: Attention;
  care: Care;
  now: number;
  /** Whether anything at all happened with this contact before now: without it no factor has data, care included. */
  has_interactions: boolean;
  honeymoon_days: number;
  business_day_s: number;
}

export interface ComputedMetrics {
  metrics: ContactMetrics;
  detail: MetricsDetail;
}

export interface MetricsTools {
  clock: BusinessClock;
  matchCompetitors?: (text: string) => string[];
}

export function computeContactMetrics(input: MetricsInput, tools: MetricsTools): ComputedMetrics {
  const { now, contact, interactions, settings } = input;
  const sla = slaTargetFor(contact, settings.sla);
  const responsiveness = computeResponsiveness(contact.id, input.waits, now, tools.clock, sla);
  const attention = computeAttention(interactions, now, contact, settings.honeymoon_days);
  const matcher = tools.matchCompetitors ?? makeCompetitorMatcher(settings.competitors);
  const engagement = computeEngagement(interactions, now, attention.start, settings.honeymoon_days, matcher);
  const care = computeCare(interactions, now);
  const metrics: ContactMetrics = {
    replies: responsiveness.replies,
    reply_median_s: responsiveness.reply_median_s,
    reply_p90_s: responsiveness.reply_p90_s,
    reply_median_business_s: responsiveness.reply_median_business_s,
    open_waits: responsiveness.open_waits,
    oldest_wait_s: responsiveness.oldest_wait_s,
    oldest_wait_business_s: responsiveness.oldest_wait_business_s,
    nudges: responsiveness.nudges,
    nudge_rate: responsiveness.nudge_rate,
    inbound_per_30d: engagement.inbound_per_30d,
    baseline_inbound_per_30d: engagement.baseline_inbound_per_30d,
    sentiment_90d: engagement.sentiment_90d,
    competitor_mentions_90d: engagement.competitor_mentions_90d,
    touches_per_30d: attention.touches_per_30d,
    baseline_touches_per_30d: attention.baseline_touches_per_30d,
    attention_ratio: attention.attention_ratio,
    days_since_last_touch: attention.days_since_last_touch,
    typical_gap_days: attention.typical_gap_days,
    overdue: attention.overdue,
    behaviors_180d: care.behaviors_180d,
    gives_180d: care.gives_180d,
    asks_180d: care.asks_180d,
    sla_target_business_s: sla,
    sla_breaches_90d: responsiveness.sla_breaches_90d,
  };
  return {
    metrics,
    detail: {
      responsiveness,
      engagement,
      attention,
      care,
      now,
      has_interactions: interactions.some((i) => i.at < now),
      honeymoon_days: settings.honeymoon_days,
      business_day_s: tools.clock.daySeconds,
    },
  };
}
