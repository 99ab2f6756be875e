/**
 * SPEC §4.1 closer: an inbound message that ends a conversation ("Thanks!", "Perfect, ok")
 * and therefore does not start a wait.
 */
import { countWordsUpTo, wholeWords } from './words.js';

/** Fewer than this many words. */
export const CLOSER_MAX_WORDS = 12;

/**
 * "thank you" may also be hyphenated ("Thank-you!"), which is the same two words. "ok" is
 * only the word OK: "okay" and "token" do not count.
 */
const CLOSER_WORDS = wholeWords('thanks|thank(?:\\s+|-)you|cheers|great|perfect|ok');

/** SPEC §4.1 closer: < 12 words, contains a whole word thanks | thank you | cheers | great | perfect | ok (any case), and no `?`. Input: spec own text. */
export function isCloser(ownText: string): boolean {
  if (ownText.includes('?')) return false;
  if (!CLOSER_WORDS.test(ownText)) return false;
  return countWordsUpTo(ownText, CLOSER_MAX_WORDS) < CLOSER_MAX_WORDS;
}
