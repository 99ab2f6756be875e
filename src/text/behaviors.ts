/**
 * SPEC §4.6 behaviour rules for outbound text. Each rule is a named, readable pattern; a tag
 * records the rule that fired as `rule:<name>`. Rules run on own text (quoted history of the
 * other side must not count), with URLs and addresses blanked out for the prose rules.
 * heroics is never detected from text (manual, or a commitment met before its due time), and
 * surprise is an interaction kind or a manual tag.
 */
import type { BehaviorTag, Tag } from '../interactions/interactions.schema.js';
import { ownText } from './own-text.js';
import { sentimentOf } from './sentiment.js';
import { extractUrls, proseOf, sentencesOf, wholeWords } from './words.js';

/** "Strongly positive": AFINN sum ≥ 4 with the mapping of sentiment.ts (one strong word such as
 * "awesome", or two positive ones). A lone "good" (0.51) is politeness, not enthusiasm. */
export const ENTHUSIASM_MIN_SENTIMENT = 0.6;

/** What every rule sees. */
export interface PreparedText {
  /** Own text as written (URLs included). */
  text: string;
  /** Own text with URLs and e-mail addresses blanked. */
  prose: string;
  sentences: string[];
  sentiment: number | null;
  urls: string[];
  knowledgeUrls: Set<string>;
}

export interface TagRule {
  /** Recorded as origin `rule:<name>`. */
  name: string;
  behavior: Tag;
  /** Matched against the prose, or a predicate for rules a pattern cannot say. */
  pattern?: RegExp;
  /** The pattern does not count where the words just before its match end with this. */
  notAfter?: RegExp;
  test?: (t: PreparedText) => boolean;
}

const PRAISE =
  "great|excellent|fantastic|amazing|awesome|brilliant|superb|wonderful|terrific|outstanding|impressive|incredible|stellar|phenomenal|exceptional|beautiful|stunning|perfect|remarkable|splendid|top-notch|first-class|spot on|insightful|inspiring|thoughtful|gorgeous|lovely|marvell?ous";
const PERSON_PRAISE = `${PRAISE}|talented|smart|clever|helpful|a genius|a star|a lifesaver|a life saver|a legend|a rockstar|the best|a pleasure to work with|a joy to work with`;
const INTENSIFIER = "(?: (?:so|really|very|truly|absolutely|simply|just|such|incredibly|extremely))*";

/** Ask rules, also used to keep requests ("Could you send the invoice?") out of interest. */
const ASK_RULES: TagRule[] = [
  { name: 'ask.invoice', behavior: 'ask', pattern: wholeWords('invoices?|invoiced|invoicing') },
  { name: 'ask.payment', behavior: 'ask', pattern: wholeWords('payments?|overdue|(?:pay|settle) (?:the|this|your|it|by|now|before|within|us|me)') },
  { name: 'ask.renew', behavior: 'ask', pattern: wholeWords('renew|renewals?|renewing') },
  { name: 'ask.upgrade', behavior: 'ask', pattern: wholeWords('upgrade|upgrades|upgrading') },
  { name: 'ask.could-you', behavior: 'ask', pattern: wholeWords('could you|would you mind|can you please') },
  {
    name: 'ask.please-send',
    behavior: 'ask',
    pattern: wholeWords('please (?:send|pay|sign|forward|provide|return|transfer|fill (?:in|out)|complete|confirm|approve)|send (?:me|us) (?:the|your|a|an)'),
  },
  { name: 'ask.pricing', behavior: 'ask', pattern: wholeWords('pricing|price list|price increase|quotation') },
  {
    name: 'ask.favour',
    behavior: 'ask',
    pattern: wholeWords('(?:leave|write) (?:us |me )?a review|testimonial|refer (?:us|me)|introduce (?:me|us) to|do (?:me|us) a favou?r|referrals?'),
  },
];

const YOU = wholeWords("you|your|yours|yourself|yourselves|you're|you've|you'd|you'll|y'all");

/** A question addressed to them: a sentence with `?` and you/your, that is not a request. */
function hasQuestionToYou(t: PreparedText): boolean {
  return t.sentences.some(
    (s) => s.includes('?') && YOU.test(s) && !ASK_RULES.some((r) => r.pattern?.test(s)),
  );
}

/** Compares links the way a reader would: scheme, "www.", fragment, trailing '/' and utm_* ignored. */
export function normalizeUrl(url: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  try {
    const u = new URL(withScheme);
    for (const key of [...u.searchParams.keys()]) if (key.toLowerCase().startsWith('utm_')) u.searchParams.delete(key);
    const host = u.host.toLowerCase().replace(/^www\./, '');
    const path = u.pathname.replace(/\/+$/, '');
    return `${host}${path}${u.search}`;
  } catch {
    return url.trim().toLowerCase();
  }
}

function linksKnowledge(t: PreparedText): boolean {
  return t.knowledgeUrls.size > 0 && t.urls.some((u) => t.knowledgeUrls.has(normalizeUrl(u)));
}

/** The rules in the order they are tried; the first rule of a behaviour that fires names the tag. */
export const TAG_RULES: readonly TagRule[] = [
  // interest: a question addressed to them
  { name: 'interest.how-is', behavior: 'interest', pattern: wholeWords("how(?:'s| is| was| are| were| has| have| did)") },
  { name: 'interest.what-do-you-think', behavior: 'interest', pattern: wholeWords("what do you think|what are your thoughts|what's your (?:take|view|opinion)|your thoughts\\?") },
  { name: 'interest.would-you-prefer', behavior: 'interest', pattern: wholeWords('(?:would|do) you (?:prefer|rather)|which (?:one )?(?:would|do) you (?:like|prefer)') },
  { name: 'interest.question-you', behavior: 'interest', test: hasQuestionToYou },

  // compliment: praise directed at them or their work
  {
    name: 'compliment.great-job',
    behavior: 'compliment',
    pattern: wholeWords(`(?:${PRAISE}|good|nice|fine) (?:job|work|effort|presentation|talk|article|post|writing|design|catch|idea|thinking|point|question)`),
    // Praise of one's own work ("our team did great work", "we did a good job") is not a compliment.
    notAfter: wholeWords("(?:our|my|their|his|her|its)(?: [\\p{L}\\x27\\u2019]+){0,2}|(?:we|i)(?:'ve| have)? (?:did|done|do)(?: an?| such an?)?"),
  },
  { name: 'compliment.you-are', behavior: 'compliment', pattern: wholeWords(`you(?:'re| are| were|'ve been| have been)${INTENSIFIER}(?: an?)? (?:${PERSON_PRAISE})`) },
  { name: 'compliment.you-did', behavior: 'compliment', pattern: wholeWords(`you(?:'ve| have)? (?:did|done|made|wrote|built|designed|delivered|handled|put together|pulled off|organi[sz]ed|ran)(?: [\\p{L}\\x27\\u2019]+){0,3}? (?:${PRAISE})`) },
  { name: 'compliment.your-work-is', behavior: 'compliment', pattern: wholeWords(`your(?: [\\p{L}\\x27\\u2019-]+){1,3} (?:is|was|are|were|looks?|looked|sounds?|sounded|seems?|reads?)${INTENSIFIER} (?:${PRAISE})`) },
  { name: 'compliment.nailed-it', behavior: 'compliment', pattern: wholeWords('you (?:nailed|crushed|aced|smashed|killed) it') },
  { name: 'compliment.impressed', behavior: 'compliment', pattern: wholeWords('(?:impressed|blown away) (?:by|with) (?:you|your)|(?:i|we) (?:really |truly |absolutely )?(?:love|loved|admire|adore) your') },
  { name: 'compliment.well-done', behavior: 'compliment', pattern: wholeWords('well done|kudos|hats off|bravo|congratulations|congrats') },

  // knowledge: something worth knowing
  { name: 'knowledge.link', behavior: 'knowledge', test: linksKnowledge },
  { name: 'knowledge.tip', behavior: 'knowledge', pattern: wholeWords('tips?') },
  { name: 'knowledge.did-you-know', behavior: 'knowledge', pattern: wholeWords('did you know') },
  { name: 'knowledge.heads-up', behavior: 'knowledge', pattern: wholeWords('heads(?:-| )?up') },
  {
    name: 'knowledge.thought-youd-find',
    behavior: 'knowledge',
    pattern: wholeWords("thought you(?:'d| would| might| may) (?:find|like|enjoy|appreciate|be interested)|you (?:might|may) find (?:this|these|it) (?:useful|interesting|helpful)"),
  },

  // enthusiasm
  { name: 'enthusiasm.exclamation', behavior: 'enthusiasm', pattern: /[\p{L}\p{N}]!+(?=$|\s|[)"'\u201D\u2019\]])/u },
  { name: 'enthusiasm.emoji', behavior: 'enthusiasm', pattern: /[\u{1F389}\u{1F973}\u{1F64C}\u{1F680}\u{1F525}\u{1F929}]/u },
  {
    name: 'enthusiasm.positive-sentiment',
    behavior: 'enthusiasm',
    test: (t) => t.sentiment !== null && t.sentiment >= ENTHUSIASM_MIN_SENTIMENT,
  },

  // humor
  { name: 'humor.laughter', behavior: 'humor', pattern: wholeWords('(?:ha){2,}h?|(?:he){2,}h?|lol+|lmf?ao|rofl|roflmao') },
  { name: 'humor.emoticon', behavior: 'humor', pattern: /(?<![\p{L}\p{N}:])[:;=][-']?[)D\]pP](?![\p{L}\p{N}])|(?<![\p{L}\p{N}])xD(?![\p{L}\p{N}])/u },
  {
    name: 'humor.emoji',
    behavior: 'humor',
    pattern: /[\u{1F602}\u{1F923}\u{1F604}\u{1F606}\u{1F601}\u{1F605}\u{1F600}\u{1F603}\u{1F609}\u{1F61C}\u{1F61D}\u{1F61B}\u{1F643}\u{1F639}\u{1F638}\u263A]/u,
  },

  ...ASK_RULES,
];

const compiledNotAfter = new WeakMap<TagRule, { before: RegExp; all: RegExp }>();

function patternFires(rule: TagRule, prose: string): boolean {
  if (rule.notAfter === undefined) return rule.pattern!.test(prose);
  let c = compiledNotAfter.get(rule);
  if (c === undefined) {
    c = {
      before: new RegExp(`(?:${rule.notAfter.source})\\s*$`, rule.notAfter.flags),
      all: new RegExp(rule.pattern!.source, `${rule.pattern!.flags}g`),
    };
    compiledNotAfter.set(rule, c);
  }
  // Matches are rare (praise followed by its noun), so looking at everything before each is cheap.
  for (const m of prose.matchAll(c.all)) if (!c.before.test(prose.slice(0, m.index))) return true;
  return false;
}

export function prepareText(own: string, sentiment: number | null, knowledgeUrls: string[] = []): PreparedText {
  const prose = proseOf(own);
  return {
    text: own,
    prose,
    sentences: sentencesOf(prose),
    sentiment,
    urls: knowledgeUrls.length > 0 ? extractUrls(own) : [],
    knowledgeUrls: new Set(knowledgeUrls.map(normalizeUrl)),
  };
}

/** The tags of already prepared own text: one per behaviour, named by its first firing rule. */
export function tagsOfPrepared(t: PreparedText): BehaviorTag[] {
  const tags: BehaviorTag[] = [];
  for (const rule of TAG_RULES) {
    if (tags.some((tag) => tag.behavior === rule.behavior)) continue;
    const fired = rule.pattern !== undefined ? patternFires(rule, t.prose) : rule.test?.(t) === true;
    if (fired) tags.push({ behavior: rule.behavior, origin: `rule:${rule.name}` });
  }
  return tags;
}

/**
 * SPEC §4.6 rule-based tags for OUTBOUND text; each tag's origin names the rule that fired,
 * e.g. "rule:interest.question-you". The rules run on ownText(text), so quoted history and
 * signatures never count. knowledgeUrls: URLs of the workspace's knowledge items (a link to
 * one → knowledge).
 */
export function detectTags(text: string, ctx?: { knowledgeUrls?: string[] }): BehaviorTag[] {
  const own = ownText(text);
  if (own.trim() === '') return [];
  return tagsOfPrepared(prepareText(own, sentimentOf(own), ctx?.knowledgeUrls));
}
