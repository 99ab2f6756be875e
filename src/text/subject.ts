/** SPEC §3.4 normalized subject, the key that links replies whose references were lost. */

/**
 * One leading reply/forward prefix ("Re:", "FWD :", "Re[2]:", "AW:", "Antw:") or one leading
 * [list-tag]. The colon is required after a prefix word, otherwise subjects such as
 * "VS Code tips" or "Sv. Johns" would lose a real word.
 */
const LEADING_TOKEN = /^\s*(?:(?:re|fw|fwd|aw|sv|vs|antw|wg)\s*(?:\[\d+\])?\s*[:\uFF1A]|\[[^\]]*\])/iu;

/** SPEC §3.4 normalized subject: leading re|fw|fwd|aw|sv|vs|antw|wg prefixes (with optional [n]) and ':' and leading [list-tag]s removed repeatedly; white space collapsed; lower case. '' for none. */
export function normalizeSubject(subject: string | null | undefined): string {
  if (subject == null) return '';
  let s = subject;
  for (let m = LEADING_TOKEN.exec(s); m !== null; m = LEADING_TOKEN.exec(s)) s = s.slice(m[0].length);
  return s.replace(/\s+/gu, ' ').trim().toLowerCase();
}
