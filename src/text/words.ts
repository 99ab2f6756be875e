/**
 * Word helpers shared by the text rules. A word is a run of letters, digits, `_` and
 * apostrophes (SPEC §4.1). Unicode letters count, combining marks included so that
 * decomposed accents ("e\u0301") do not split a word, and the typographic apostrophe ’ is
 * treated like `'` because most mail clients type it ("it’s" is one word, as "it's" is).
 */

const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}_]';
const APOSTROPHE = "['\u2019]";

/** Leading and trailing apostrophes never make a word of their own, so a run is counted from its first word character. */
const WORD_RUN = new RegExp(`${WORD_CHAR}+(?:${APOSTROPHE}+${WORD_CHAR}+)*`, 'gu');

/**
 * Boundaries of a whole word. An apostrophe only continues a word when a letter follows
 * or precedes it ("won't" is not the word "won"), so "'ok'" in quotes still contains "ok".
 */
export const WORD_START = `(?<!${WORD_CHAR})(?<!${WORD_CHAR}${APOSTROPHE})`;
export const WORD_END = `(?!${WORD_CHAR})(?!${APOSTROPHE}${WORD_CHAR})`;

/** Runs of letters, digits, `_` and `'` (Unicode letters included). */
export function countWords(text: string): number {
  return countWordsUpTo(text, Number.POSITIVE_INFINITY);
}

/** countWords, stopping once `limit` is reached (closer detection only needs to know "12 or more"). */
export function countWordsUpTo(text: string, limit: number): number {
  let n = 0;
  WORD_RUN.lastIndex = 0;
  while (n < limit && WORD_RUN.exec(text) !== null) n++;
  WORD_RUN.lastIndex = 0;
  return n;
}

/**
 * A case-insensitive regular expression matching `source` as whole words. `source` is a
 * regular-expression source written for people: a literal space stands for any white
 * space (` ?` for optional white space), and `'` also matches ’.
 */
export function wholeWords(source: string): RegExp {
  const body = source.replace(/ \?/g, '\\s*').replace(/ /g, '\\s+').replace(/'/g, APOSTROPHE);
  return new RegExp(`${WORD_START}(?:${body})${WORD_END}`, 'iu');
}

/** Escapes a literal (a competitor name, a custom phrase) for use in a pattern source. */
export function escapeLiteral(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A whole-phrase matcher for a literal typed by a user: case-insensitive, any white space
 * between its words, possessive "'s" allowed. Names that start or end with punctuation ("C++", ".NET") get a
 * boundary only on their word-character sides, since "C++" is followed by a space or an end.
 */
export function literalPhrase(literal: string): RegExp | null {
  const words = literal.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return null;
  const body = words.map(escapeLiteral).join('\\s+');
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const start = /^[\p{L}\p{M}\p{N}_]/u.test(first) ? WORD_START : '';
  // A possessive is still the name: "Acme's offer" mentions Acme.
  const end = /[\p{L}\p{M}\p{N}_]$/u.test(last) ? `(?:${APOSTROPHE}s)?${WORD_END}` : '(?![\\p{L}\\p{M}\\p{N}_])';
  return new RegExp(`${start}${body}${end}`, 'iu');
}

/** Links with a scheme or "www.", and bare "domain.tld/path" links as people type them. */
const URL_START = /^(?:https?:\/\/|www\.)|^(?:[\p{L}\p{N}-]+\.)+[a-z]{2,}\//iu;
const EMAIL = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u;
/** Candidate tokens: white-space-separated runs holding a '/' or an '@' (every link and address does). */
const LINKISH_TOKEN = /[^\s/@]*[/@]\S*/g;
const OPENING = /^[(<["'\u201C\u2018]+/u;
const CLOSING = /[.,;:!?)\]}>"'\u201D\u2019]+$/u;

/** Splits a token into leading punctuation, the link or address, and trailing punctuation; null when it is neither. */
function splitLink(token: string): [string, string, string] | null {
  const open = OPENING.exec(token)?.[0] ?? '';
  const rest = token.slice(open.length);
  const close = CLOSING.exec(rest)?.[0] ?? '';
  const core = rest.slice(0, rest.length - close.length);
  if (core === '' || !(URL_START.test(core) || EMAIL.test(core))) return null;
  return [open, core, close];
}

/** URLs written in the text, without surrounding punctuation. */
export function extractUrls(text: string): string[] {
  const urls: string[] = [];
  for (const m of text.matchAll(LINKISH_TOKEN)) {
    const parts = splitLink(m[0]);
    if (parts !== null && URL_START.test(parts[1])) urls.push(parts[1]);
  }
  return urls;
}

/**
 * The text with URLs and e-mail addresses replaced by a space, so that a `?` in a query
 * string or "tips" in a path do not look like prose. Punctuation around a link stays: it
 * may end the sentence.
 */
export function proseOf(text: string): string {
  if (!text.includes('/') && !text.includes('@')) return text;
  return text.replace(LINKISH_TOKEN, (token) => {
    const parts = splitLink(token);
    return parts === null ? token : `${parts[0]} ${parts[2]}`;
  });
}

/** After a line break: a blank line, or a list item ("- ", "* ", "• ", "1. ", "2) "). */
const LINE_BREAKS_SENTENCE = /^[ \t]*(?:\r?\n|(?:[-*\u2022]|\d+[.)])[ \t])/u;

/**
 * Sentences of prose: split after `.`, `!`, `?` or `…` followed by white space, and at blank
 * lines or line breaks before a list item. Single line breaks inside a paragraph are the
 * sender's wrapping, not sentence ends. A character loop: this runs for every imported
 * message.
 */
export function sentencesOf(prose: string): string[] {
  const sentences: string[] = [];
  let from = 0;
  for (let i = 0; i < prose.length; i++) {
    const c = prose.charCodeAt(i);
    let endsAfter = false;
    if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026) {
      const next = prose.charCodeAt(i + 1);
      endsAfter = Number.isNaN(next) || next === 0x20 || next === 0x0a || next === 0x09 || next === 0x0d;
    } else if (c === 0x0a) {
      endsAfter = LINE_BREAKS_SENTENCE.test(prose.slice(i + 1, i + 12));
    }
    if (endsAfter) {
      pushSentence(sentences, prose.slice(from, i + 1));
      from = i + 1;
    }
  }
  pushSentence(sentences, prose.slice(from));
  return sentences;
}

function pushSentence(sentences: string[], raw: string): void {
  // Replacing every single space is costly; most sentences need no rewrite.
  let s = raw.trim();
  if (/\s[\s]|[\t\n\r\f\v]/.test(s)) s = s.replace(/\s+/g, ' ');
  if (s !== '') sentences.push(s);
}
