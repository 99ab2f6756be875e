/**
 * Achievements announced in INBOUND text (SPEC §2 fact kind `achievement`), so that
 * suggestions can say "congratulate them". Rules run on own text: our own congratulations
 * quoted back in their reply must not count. Each rule is a named pattern that wants the
 * subject of the news nearby, because the bare verbs are common in other senses ("won't",
 * "promoted the post", "launch date").
 */
import { ownText } from './own-text.js';
import { literalPhrase, proseOf, sentencesOf, wholeWords } from './words.js';

export interface AchievementRule {
  name: string;
  pattern: RegExp;
}

export const ACHIEVEMENT_RULES: readonly AchievementRule[] = [
  {
    name: 'achievement.launch',
    pattern: wholeWords("(?:we|i|they|just|finally|have|has|we've|i've|officially) launched|launched (?:our|my|the|a|an|its)|(?:went|is now|are now|we're now) live"),
  },
  {
    name: 'achievement.promotion',
    pattern: wholeWords("(?:got|been|was|were|am|is|get|getting|being|just|finally|i'm|she's|he's) promoted|got (?:a|the) promotion|(?:my|her|his) promotion"),
  },
  {
    name: 'achievement.won',
    pattern: wholeWords("(?:we|i|they|she|he|team|just|finally|have|has|we've|i've|we have) won|won (?:the|an?|first|second|third|our|their|gold|silver|bronze|best)"),
  },
  { name: 'achievement.award', pattern: wholeWords('(?:received|got|been awarded|earned|named|shortlisted for|nominated for) (?:an?|the|this year\'s) (?:[\\p{L}-]+ ){0,3}award') },
  { name: 'achievement.anniversary', pattern: wholeWords('anniversary|anniversaries') },
  {
    name: 'achievement.baby',
    pattern: wholeWords('new baby|baby (?:girl|boy)|(?:had|welcomed|expecting) (?:a|our|their|my|his|her) (?:baby|son|daughter|first child|twins)|gave birth|became (?:a )?(?:parents?|father|mother|dad|mum|mom)'),
  },
  { name: 'achievement.wedding', pattern: wholeWords("got married|(?:got|just|we're|we are) engaged|(?:our|my) wedding") },
  {
    name: 'achievement.funding',
    pattern: wholeWords('(?:raised|closed) (?:our |a |the )?(?:[$€£]?[\\d.,]+ ?(?:k|m|million|billion|mio)? )?(?:seed|series [a-e]|funding|investment) ?(?:round)?'),
  },
  { name: 'achievement.graduation', pattern: wholeWords("graduated|(?:got|earned|finished|completed) (?:my|her|his|their|a) (?:degree|phd|doctorate|master's|masters|mba|certification)") },
];

/** The sentence that holds a match, so the fact reads as the sender put it. */
const MAX_PHRASE = 200;

function sentenceWith(sentences: string[], re: RegExp): string | null {
  for (const s of sentences) {
    if (re.test(s)) return s.length > MAX_PHRASE ? `${s.slice(0, MAX_PHRASE - 1)}…` : s;
  }
  return null;
}

/**
 * Achievements in INBOUND text ("we launched", "promoted", "won", "anniversary", "new baby";
 * configurable extra patterns). Extra patterns are phrases typed by a user (matched as whole
 * words, any case, any white space between words; blank ones ignored), reported as rule
 * `custom:<phrase>`. phrase is the sentence that matched (at most 200 characters). One
 * entry per rule.
 */
export function detectAchievements(text: string, extraPatterns: string[] = []): { rule: string; phrase: string }[] {
  const own = ownText(text);
  if (own.trim() === '') return [];
  return achievementsInOwnText(own, extraPatterns);
}

/** detectAchievements for text that is already own text. */
export function achievementsInOwnText(own: string, extraPatterns: string[] = []): { rule: string; phrase: string }[] {
  const sentences = sentencesOf(proseOf(own));
  const found: { rule: string; phrase: string }[] = [];
  for (const rule of ACHIEVEMENT_RULES) {
    const phrase = sentenceWith(sentences, rule.pattern);
    if (phrase !== null) found.push({ rule: rule.name, phrase });
  }
  for (const extra of extraPatterns) {
    const re = literalPhrase(extra);
    const rule = `custom:${extra.trim()}`;
    if (re === null || found.some((f) => f.rule === rule)) continue;
    const phrase = sentenceWith(sentences, re);
    if (phrase !== null) found.push({ rule, phrase });
  }
  return found;
}
