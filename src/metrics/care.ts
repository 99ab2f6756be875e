/** Care and reciprocity (SPEC §4.5, window 180 days): what you gave and what you asked for. */
import { BEHAVIORS, GIVE_TAGS, type Tag } from '../interactions/interactions.schema.js';
import { DAY_MS, inWindow, type ContactInteraction } from './inputs.js';

export const CARE_WINDOW_DAYS = 180;

export interface Care {
  behaviors_180d: Record<string, number>;
  gives_180d: number;
  asks_180d: number;
  /** Give behaviours shown at least once in the window, in SPEC order. */
  distinct_gives: string[];
}

export function computeCare(interactions: readonly ContactInteraction[], now: number): Care {
  const from = now - CARE_WINDOW_DAYS * DAY_MS;
  const behaviors: Record<string, number> = Object.fromEntries(BEHAVIORS.map((b) => [b, 0]));
  let gives = 0;
  let asks = 0;
  const seen = new Set<string>();
  for (const i of interactions) {
    if (i.direction !== 'out' || i.automated || seen.has(i.id) || !inWindow(i.at, from, now)) continue;
    seen.add(i.id);
    const tags = new Set(i.tags);
    for (const b of BEHAVIORS) if (tags.has(b)) behaviors[b]! += 1;
    if (GIVE_TAGS.some((g) => tags.has(g))) gives += 1;
    if (tags.has('ask')) asks += 1;
  }
  const distinct = GIVE_TAGS.filter((g: Tag) => (behaviors[g] ?? 0) > 0) as string[];
  return { behaviors_180d: behaviors, gives_180d: gives, asks_180d: asks, distinct_gives: distinct };
}
