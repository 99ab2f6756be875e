/**
 * "Own text": what the sender of a message wrote themselves, without the quoted history and
 * signature that mail clients append. Two flavours:
 * - specOwnText is SPEC §4.1 word for word and decides closers (so metrics match the SPEC);
 * - ownText also knows the quote headers and separators of other clients, for excerpts,
 *   sentiment and the behaviour rules.
 * Both are line based and run in linear time; no regular expression here can backtrack
 * over more than one (joined) line.
 */

const QUOTED = /^[ \t]*>/;
const SIGNATURE_DELIMITER = /^--[ \t]*$/;

/** SPEC §4.1: a line `On … wrote:`. */
const ON_WROTE = /^[ \t]*on\s.*wrote\s*:\s*$/iu;
/** Clients wrap quote headers ("…<x@y>\nwrote:"); ownText reads up to 3 lines as one. */
const HEADER_MAX_LINES = 3;

/** Quote-header verbs of common clients: English, French, German, Dutch, Spanish, Italian,
 * Portuguese, Scandinavian, Polish, Czech, Russian. A name may follow the verb ("schrieb Bob:"). */
const QUOTE_VERB =
  /(?:wrote|a [ée]crit|schrieb|schreef|escribi[óo]|ha scritto|escreveu|skrev|kirjoitti|napisa[łl]|napsal|написал|написала|написал\(а\))(?:\s[^:]{1,120})?\s*:\s*$/iu;
/** Words that open a localized "On <date>, <name> wrote:" line. */
const QUOTE_HEADER_OPENER = /^[ \t]*(?:on|le|am|op|el|il|em|den|dnia|dne|w dniu)\s/iu;

const FORWARD_OR_ORIGINAL =
  /^[ \t]*-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|doorgestuurd bericht|opprinnelig melding|ursprungligt meddelande)\s*-{2,}[ \t]*$/iu;
const BEGIN_FORWARDED = /^[ \t]*(?:begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht)\s*:?[ \t]*$/iu;
/** Outlook web and Mailman draw a line of underscores before the quoted header or the list footer. */
const UNDERSCORE_RULE = /^[ \t]*_{10,}[ \t]*$/;

/** "From: …" followed by "Sent:"/"Date:"/"To:"/"Subject:" within a few lines: Outlook's quote header. */
const OUTLOOK_FROM = /^[ \t]*\*?(?:from|von|de|da|van|från|fra|od)\s?\*?\s?:\*?\s*\S/iu;
const OUTLOOK_FIELD =
  /^[ \t]*\*?(?:sent|date|to|subject|cc|gesendet|datum|an|betreff|envoyé|à|objet|inviato|data|oggetto|verzonden|aan|onderwerp|enviado|para|asunto|skickat|ämne|sendt|emne)\s?\*?\s?:/iu;
const OUTLOOK_LOOKAHEAD = 5;

/** Phone and app signatures. "Sent from my desk, is much easier …" is prose (no comma allowed). */
const DEVICE_SIGNATURES: RegExp[] = [
  /^[ \t]*(?:sent|envoyé|enviado|gesendet|inviato|verzonden) (?:from|with|de|depuis|von|da|desde|met|via) (?:my |mon |mi |meinem |il mio |mijn )?[\p{L}\p{N}-]+(?:[ \t]+[\p{L}\p{N}-]+){0,4}(?:\s*\([^)]*\))?\.?[ \t]*$/iu,
  /^[ \t]*get outlook for \S+[ \t]*$/iu,
  /^[ \t]*von meinem [\p{L}\p{N} -]{1,40} gesendet[ \t]*$/iu,
];

function normalizeNewlines(plain: string): string[] {
  return plain.replace(/\r\n?/g, '\n').split('\n');
}

/**
 * How many lines (1..3) starting at `i` form a quote header matching `complete`, provided
 * the first line passes `opens`; 0 when none does.
 */
function headerSpan(lines: string[], i: number, opens: (first: string) => boolean, complete: (joined: string) => boolean): number {
  const first = lines[i]!;
  if (QUOTED.test(first) || !opens(first)) return 0;
  const parts: string[] = [];
  for (let k = 0; k < HEADER_MAX_LINES && i + k < lines.length; k++) {
    const line = lines[i + k]!;
    if (k > 0 && (line.trim() === '' || QUOTED.test(line))) return 0;
    parts.push(line.trim());
    const joined = parts.join(' ');
    if (joined.length > 400) return 0;
    if (complete(joined)) {
      // "Hi,\nOn Tue … wrote:": when the header also stands without its first line, it starts later.
      const later = lines.slice(i + 1, i + k + 1);
      if (k > 0 && later.some((_, j) => opens(later[j]!) && complete(parts.slice(j + 1).join(' ')))) return 0;
      return k + 1;
    }
  }
  return 0;
}

/** Every quote header ends with a colon within its three lines: a cheap test before the patterns. */
function endsWithColonSoon(lines: string[], i: number): boolean {
  for (let k = i; k < i + HEADER_MAX_LINES && k < lines.length; k++) {
    if (lines[k]!.trimEnd().endsWith(':')) return true;
  }
  return false;
}

function nextContentLine(lines: string[], from: number): string | undefined {
  for (let k = from; k < lines.length; k++) if (lines[k]!.trim() !== '') return lines[k];
  return undefined;
}

/**
 * A quote header of any common client: "On … wrote:" and its translations, or any line
 * ending in a quote verb and a colon that is followed by quoted lines (Android's
 * "02.04.2012 14:20 … написал:", mailing lists' "Bob wrote:").
 */
function quoteHeaderSpan(lines: string[], i: number): number {
  if (!endsWithColonSoon(lines, i)) return 0;
  const localized = headerSpan(lines, i, (l) => QUOTE_HEADER_OPENER.test(l), (j) => QUOTE_VERB.test(j));
  if (localized > 0) return localized;
  // A date tells a header from prose such as "As you wrote:".
  const generic = headerSpan(lines, i, () => true, (j) => /\d/.test(j) && QUOTE_VERB.test(j));
  if (generic > 0 && QUOTED.test(nextContentLine(lines, i + generic) ?? '')) return generic;
  return 0;
}

function isOutlookHeader(lines: string[], i: number): boolean {
  if (!OUTLOOK_FROM.test(lines[i]!)) return false;
  for (let k = i + 1; k <= i + OUTLOOK_LOOKAHEAD && k < lines.length; k++) {
    if (OUTLOOK_FIELD.test(lines[k]!)) return true;
  }
  return false;
}

/**
 * Bottom posting ("Hi,\nOn … wrote:\n> question\nanswer"): after the header come quoted
 * lines and then the sender's own unquoted text. A top-posted reply has nothing of its own
 * after the quote, or only a list footer, which isHardCut catches.
 */
function repliesBelowQuote(lines: string[], from: number): boolean {
  let k = from;
  let sawQuote = false;
  for (; k < lines.length && (lines[k]!.trim() === '' || QUOTED.test(lines[k]!)); k++) {
    if (QUOTED.test(lines[k]!)) sawQuote = true;
  }
  return sawQuote && k < lines.length && !isHardCut(lines, k) && quoteHeaderSpan(lines, k) === 0;
}

/** Where own text certainly ends, wherever it appears. */
function isHardCut(lines: string[], i: number): boolean {
  const line = lines[i]!;
  return (
    SIGNATURE_DELIMITER.test(line) ||
    FORWARD_OR_ORIGINAL.test(line) ||
    BEGIN_FORWARDED.test(line) ||
    UNDERSCORE_RULE.test(line) ||
    DEVICE_SIGNATURES.some((re) => re.test(line)) ||
    isOutlookHeader(lines, i)
  );
}

/** Trailing white space off each line, blank runs collapsed, and separator-only lines off both ends. */
function tidy(lines: string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  const isFiller = (l: string) => /^[\s\-_=*~.]*$/u.test(l);
  while (out.length > 0 && isFiller(out[out.length - 1]!)) out.pop();
  while (out.length > 0 && isFiller(out[0]!)) out.shift();
  return out.join('\n');
}

/**
 * SPEC §4.1 to the letter: plain text up to a line `--` (signature) or a line `On … wrote:`,
 * without lines starting with `>`. Used for closer detection, which metrics are checked on
 * against other implementations of the SPEC; so a header wrapped over two lines is not cut
 * here (ownText, for everything else, does cut it).
 */
export function specOwnText(plain: string): string {
  const lines = normalizeNewlines(plain);
  const kept: string[] = [];
  for (const line of lines) {
    if (line.startsWith('>')) continue;
    if (SIGNATURE_DELIMITER.test(line) || ON_WROTE.test(line)) break;
    kept.push(line);
  }
  return tidy(kept);
}

/**
 * Richer own text for excerpts, sentiment and rules: also cuts other clients' quote headers
 * (Outlook "-----Original Message-----", "From: … Sent: …" blocks, "Le … a écrit :",
 * "Am … schrieb", forwarded blocks, common signature starts like "Sent from my iPhone").
 * A quote header before any own line is a bottom-posted or interleaved reply: the header is
 * skipped and the unquoted lines after it are kept.
 */
export function ownText(plain: string): string {
  const lines = normalizeNewlines(plain);
  const kept: string[] = [];
  let hasContent = false;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (QUOTED.test(line)) {
      i++;
      continue;
    }
    if (isHardCut(lines, i)) break;
    const span = quoteHeaderSpan(lines, i);
    if (span > 0) {
      if (hasContent && !repliesBelowQuote(lines, i + span)) break;
      i += span;
      continue;
    }
    if (line.trim() !== '') hasContent = true;
    kept.push(line);
    i++;
  }
  return tidy(kept);
}
