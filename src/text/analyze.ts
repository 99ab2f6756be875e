/** One call for importers and demo data: everything the metrics and suggestions need from a text. */
import type { BehaviorTag, Direction } from '../interactions/interactions.schema.js';
import { achievementsInOwnText } from './achievements.js';
import { prepareText, tagsOfPrepared } from './behaviors.js';
import { isCloser } from './closer.js';
import { competitorMentions } from './competitors.js';
import { ownText, specOwnText } from './own-text.js';
import { sentimentOf } from './sentiment.js';
import { countWords, proseOf } from './words.js';

export interface TextAnalysis {
  /** Own text without quoted history or signature (ownText). */
  ownText: string;
  /** SPEC §4.1 own text (specOwnText). */
  specOwnText: string;
  /** Words of ownText. */
  wordCount: number;
  /** SPEC §4.1 closer, from specOwnText. */
  isCloser: boolean;
  /** Inbound only; null otherwise or without text. */
  sentiment: number | null;
  /** Outbound only. */
  tags: BehaviorTag[];
  /** Competitors named in own text, any direction (metrics count inbound ones). */
  competitorMentions: string[];
  /** Inbound only. */
  achievements: { rule: string; phrase: string }[];
  /** A `?` in own text outside URLs. */
  hasQuestion: boolean;
}

/** One call for importers: sentiment only for inbound, tags only for outbound, achievements only for inbound. */
export function analyzeText(
  plain: string,
  direction: Direction,
  opts: { competitors: string[]; knowledgeUrls?: string[]; achievementPatterns?: string[] },
): TextAnalysis {
  const own = ownText(plain);
  const spec = specOwnText(plain);
  const hasText = own.trim() !== '';
  // Outbound text needs sentiment for the enthusiasm rule even though it is not reported.
  const sentiment = hasText && direction !== 'internal' ? sentimentOf(own) : null;
  return {
    ownText: own,
    specOwnText: spec,
    wordCount: countWords(own),
    isCloser: isCloser(spec),
    sentiment: direction === 'in' ? sentiment : null,
    tags: direction === 'out' && hasText ? tagsOfPrepared(prepareText(own, sentiment, opts.knowledgeUrls)) : [],
    competitorMentions: hasText ? competitorMentions(own, opts.competitors) : [],
    achievements: direction === 'in' && hasText ? achievementsInOwnText(own, opts.achievementPatterns) : [],
    hasQuestion: proseOf(own).includes('?'),
  };
}
