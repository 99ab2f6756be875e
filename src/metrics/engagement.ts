/** Their engagement (SPEC §4.3): how often they write, in what mood, and whether they name a competitor. */
import { competitorMentions } from '../text/competitors.js';
import { DAY_MS, inWindow, isSenderRole, type ContactInteraction } from './inputs.js';

export interface Engagement {
  inbound_per_30d: number;
  baseline_inbound_per_30d: number | null;
  sentiment_90d: number | null;
  competitor_mentions_90d: number;
  /** The competitors named in the window, for the explanation. */
  competitors_named: string[];
}

/** Whole-word, case-insensitive, with the same matcher the importer uses (src/text/competitors). */
export function makeCompetitorMatcher(competitors: readonly string[]): (text: string) => string[] {
  const names = competitors.map((c) => c.trim()).filter(Boolean);
  return names.length === 0 ? () => [] : (text) => competitorMentions(text, names);
}

/**
 * Floating-point addition is not associative: summed in the order the rows happened to come
 * from the database, one mean could differ in its last digit between SQLite and PostgreSQL.
 */
function sortedSum(values: number[]): number {
  let sum = 0;
  for (const v of values.sort((a, b) => a - b)) sum += v;
  return sum;
}

/**
 * Inbound rates count emails and messages they sent; sentiment and competitor mentions read
 * their emails (SPEC §4.1–4.3 are about email). `start` is the relationship start (§4.4).
 */
export function computeEngagement(
  interactions: readonly ContactInteraction[],
  now: number,
  start: number | null,
  honeymoonDays: number,
  matchCompetitors: (text: string) => string[],
): Engagement {
  const from90 = now - 90 * DAY_MS;
  let recent = 0;
  let baseline = 0;
  const sentiments: number[] = [];
  let mentions = 0;
  const named = new Set<string>();
  for (const i of interactions) {
    if (i.direction !== 'in' || i.automated || !isSenderRole(i.role)) continue;
    if (i.kind !== 'email' && i.kind !== 'message') continue;
    const recentOne = inWindow(i.at, from90, now);
    if (recentOne) recent += 1;
    if (start !== null && inWindow(i.at, start, start + honeymoonDays * DAY_MS)) baseline += 1;
    if (i.kind !== 'email' || !recentOne) continue;
    if (i.sentiment !== null && Number.isFinite(i.sentiment)) sentiments.push(i.sentiment);
    if (i.text) {
      const found = matchCompetitors(i.text);
      if (found.length > 0) {
        mentions += 1;
        for (const f of found) named.add(f);
      }
    }
  }
  return {
    inbound_per_30d: recent / 3,
    baseline_inbound_per_30d: start === null ? null : (baseline * 30) / honeymoonDays,
    sentiment_90d: sentiments.length === 0 ? null : sortedSum(sentiments) / sentiments.length,
    competitor_mentions_90d: mentions,
    // Sorted: the order rows come from the database must not change the explanation.
    competitors_named: [...named].sort(),
  };
}
