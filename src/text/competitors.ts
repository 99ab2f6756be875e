/** SPEC §4.3 competitor mentions: whole word, case-insensitive. */
import { literalPhrase } from './words.js';

/** Compiled matchers by name; import calls this for every message with the same few names. */
const matchers = new Map<string, RegExp | null>();
const MAX_CACHED = 2000;

function matcherFor(name: string): RegExp | null {
  let re = matchers.get(name);
  if (re === undefined) {
    if (matchers.size >= MAX_CACHED) matchers.clear();
    re = literalPhrase(name);
    matchers.set(name, re);
  }
  return re;
}

/**
 * Competitor names mentioned (whole word, case-insensitive; multi-word names and names with
 * punctuation work). Returns the names as configured, each once, in configuration order.
 * Blank names can never be mentioned and are ignored. Matches the text as given: pass own
 * text so that a competitor named in quoted history is not counted twice.
 */
export function competitorMentions(text: string, competitors: string[]): string[] {
  const found: string[] = [];
  for (const name of competitors) {
    const re = matcherFor(name);
    if (re !== null && !found.includes(name) && re.test(text)) found.push(name);
  }
  return found;
}
