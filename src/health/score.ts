/**
 * Relationship health (SPEC §5): five factors in [0, 1] (or null without data), their weighted
 * mean as a 0–100 score, a status, the slipping flag and one plain sentence per factor with
 * the numbers behind it. Pure: the metrics, weights and earlier scores go in.
 */
import type { HealthStatus } from '../contacts/contacts.schema.js';
import type { MetricsDetail } from '../metrics/contact-metrics.js';
import { FACTOR_NAMES, type ContactMetrics, type Factor, type FactorName } from '../metrics/metrics.types.js';
import type { HealthWeights } from '../workspaces/workspaces.schema.js';
import { withNewsletterWarmth, type NewsletterEngagement } from '../newsletter/engagement.js';
import { businessDuration, days, percent, rate, times } from './explain.js';

export interface HealthScore {
  score: number | null;
  status: HealthStatus | null;
  slipping: boolean;
  factors: Record<FactorName, Factor>;
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));

export function statusOf(score: number | null): HealthStatus | null {
  if (score === null) return null;
  if (score >= 75) return 'thriving';
  if (score >= 55) return 'steady';
  if (score >= 35) return 'cooling';
  return 'at_risk';
}

/** Slipping: the score fell by 15 points or more from any score kept in the last 30 days. */
export function isSlipping(score: number | null, scoresLast30Days: readonly (number | null)[]): boolean {
  if (score === null) return false;
  const earlier = scoresLast30Days.filter((s): s is number => s !== null);
  return earlier.length > 0 && Math.max(...earlier) - score >= 15;
}

type Value = { value: number | null; explanation: string };

export function responsivenessFactor(m: ContactMetrics, d: MetricsDetail): Value {
  const r = d.responsiveness;
  if (r.waits === 0) return { value: null, explanation: 'No email of theirs waited for a reply in the last 90 days.' };
  const parts: number[] = [];
  const says: string[] = [];
  if (m.reply_median_s !== null && m.reply_median_business_s !== null) {
    parts.push(clamp((72 - m.reply_median_business_s / 3600) / (72 - 4)));
    says.push(`Replies take ${businessDuration(m.reply_median_business_s, d.business_day_s)} (median of ${times(m.replies, 'reply', 'replies')} in 90 days)`);
  } else {
    says.push('No reply sent yet in 90 days');
  }
  if (m.open_waits === 0 || m.oldest_wait_business_s === null) {
    parts.push(1);
    says.push('nobody is waiting');
  } else {
    parts.push(clamp(1 - m.oldest_wait_business_s / 3600 / 40));
    says.push(`${times(m.open_waits, 'email')} still ${m.open_waits === 1 ? 'waits' : 'wait'}, the oldest for ${businessDuration(m.oldest_wait_business_s, d.business_day_s)}`);
  }
  const rateValue = m.nudge_rate ?? 0;
  parts.push(1 - rateValue);
  says.push(`they had to write again in ${r.nudged_waits} of ${times(r.waits, 'wait')}`);
  if (m.sla_target_business_s !== null) {
    says.push(`${times(m.sla_breaches_90d, 'breach', 'breaches')} of the ${businessDuration(m.sla_target_business_s, d.business_day_s)} target`);
  }
  return { value: parts.reduce((a, b) => a + b, 0) / parts.length, explanation: `${says.join('; ')}.` };
}

export function attentionFactor(m: ContactMetrics, d: MetricsDetail): Value {
  const a = d.attention;
  if (a.last_touch_at === null || m.days_since_last_touch === null) {
    return { value: null, explanation: 'No touch yet: no call, meeting, message or email sent to them.' };
  }
  const last = `last touch ${days(m.days_since_last_touch)} ago`;
  const late = m.overdue ? `, overdue (one is expected every ${days(a.overdue_after_days)}), so halved` : '';
  if (!a.honeymoon_over) {
    const day = a.start === null ? 1 : Math.floor((d.now - a.start) / 86_400_000) + 1;
    return {
      value: m.overdue ? 0.5 : 1,
      explanation: `In the honeymoon (day ${day} of ${d.honeymoon_days}): full marks while they hear from you; ${last}${late}.`,
    };
  }
  if (m.attention_ratio === null) {
    return {
      value: null,
      explanation: `No touch during the honeymoon to compare with; ${rate(m.touches_per_30d)} now, ${last}.`,
    };
  }
  const value = Math.min(1, m.attention_ratio) * (m.overdue ? 0.5 : 1);
  const trend = m.attention_ratio >= 1 ? 'kept up' : 'fell';
  return {
    value,
    explanation:
      `Attention ${trend} to ${percent(m.attention_ratio)} of the honeymoon's: ${rate(m.touches_per_30d)} now ` +
      `against ${rate(m.baseline_touches_per_30d ?? 0)} then; ${last}${late}.`,
  };
}

export function careFactor(d: MetricsDetail): Value {
  const gives = d.care.distinct_gives;
  // A contact nothing has happened with yet is not scored: no data is not "at risk".
  if (!d.has_interactions) return { value: null, explanation: 'Nothing with them yet: no mail, call, meeting or note to measure.' };
  if (gives.length === 0) {
    return { value: 0, explanation: 'No give behaviour (interest, compliment, knowledge, surprise, heroics) in 180 days; 4 different ones earn full marks.' };
  }
  return {
    value: Math.min(1, gives.length / 4),
    explanation: `${gives.length} of the 5 give behaviours in 180 days (${gives.join(', ')}); 4 different ones earn full marks.`,
  };
}

export function engagementFactor(m: ContactMetrics, d: MetricsDetail): Value {
  const base = m.baseline_inbound_per_30d;
  if (base === null || base === 0) {
    return { value: null, explanation: `Nothing from them during the honeymoon to compare with; they write ${rate(m.inbound_per_30d)} now.` };
  }
  const ratio = m.inbound_per_30d / base;
  const mentioned = m.competitor_mentions_90d > 0;
  const names = d.engagement.competitors_named.join(', ');
  return {
    value: Math.min(1, ratio) * (mentioned ? 0.5 : 1),
    explanation:
      `They write ${rate(m.inbound_per_30d)}, ${percent(ratio)} of the ${rate(base)} they wrote during the honeymoon` +
      (mentioned ? `; they named a competitor (${names}) in ${times(m.competitor_mentions_90d, 'email')} in 90 days, so halved.` : '.'),
  };
}

export function reciprocityFactor(m: ContactMetrics): Value {
  if (m.gives_180d === 0 && m.asks_180d === 0) return { value: null, explanation: 'Nothing given or asked in 180 days.' };
  const value = Math.min(1, m.gives_180d / (3 * Math.max(1, m.asks_180d)));
  return {
    value,
    explanation: `You gave ${times(m.gives_180d, 'time')} and asked ${times(m.asks_180d, 'time')} in 180 days; three gives per ask earn full marks.`,
  };
}

/**
 * SPEC §5.1–5.2. `prospectNewsletter`: a prospect's newsletter opens and clicks, which warm
 * their engagement factor (never given for other contacts).
 */
export function scoreHealth(
  metrics: ContactMetrics,
  detail: MetricsDetail,
  weights: HealthWeights,
  scoresLast30Days: readonly (number | null)[] = [],
  prospectNewsletter?: NewsletterEngagement,
): HealthScore {
  const values: Record<FactorName, Value> = {
    responsiveness: responsivenessFactor(metrics, detail),
    attention: attentionFactor(metrics, detail),
    care: careFactor(detail),
    engagement: withNewsletterWarmth(engagementFactor(metrics, detail), prospectNewsletter),
    reciprocity: reciprocityFactor(metrics),
  };
  let sum = 0;
  let weightSum = 0;
  const factors = {} as Record<FactorName, Factor>;
  for (const name of FACTOR_NAMES) {
    const { value, explanation } = values[name];
    const weight = weights[name];
    factors[name] = { value, weight, explanation };
    if (value === null) continue;
    sum += weight * value;
    weightSum += weight;
  }
  // Rounded to 9 places first so that 74.4999999… from binary fractions rounds as 74.5 would.
  const score = weightSum === 0 ? null : Math.round(Math.round((100 * sum * 1e9) / weightSum) / 1e9);
  return { score, status: statusOf(score), slipping: isSlipping(score, scoresLast30Days), factors };
}
