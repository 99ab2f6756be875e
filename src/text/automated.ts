/** SPEC §3.3 automated mail: stored and shown, but excluded from every metric. */

const AUTOMATED_LOCAL_PART = /^(?:no-?reply|donotreply|do-not-reply|mailer-daemon|postmaster|bounces?|notifications?)$/i;
const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list']);

/** A header counts as present when it has a non-blank value (parsers report absent headers as null or ''). */
function present(v: string | null | undefined): v is string {
  return v != null && v.trim() !== '';
}

/** The local part of "Name <local@domain>" or "local@domain"; the whole text without an '@'. */
export function localPartOf(from: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(from);
  const address = (angle ? angle[1]! : from).trim();
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(0, at) : address).replace(/^"(.*)"$/, '$1');
}

/** SPEC §3.3 automated mail. */
export function isAutomatedMessage(
  h: { from: string | null; autoSubmitted?: string | null; precedence?: string | null; listId?: string | null; listUnsubscribe?: string | null },
  includeLists: boolean,
): boolean {
  // Auto-Submitted may carry parameters ("auto-replied; owner-email=…"); only the keyword matters.
  if (present(h.autoSubmitted) && h.autoSubmitted.split(';')[0]!.trim().toLowerCase() !== 'no') return true;
  const isListPost = present(h.listId) || present(h.listUnsubscribe);
  if (!includeLists && isListPost) return true;
  // List servers mark every post bulk, so with include_lists the Precedence of a list post is ignored.
  const precedenceCounts = !(includeLists && isListPost);
  if (precedenceCounts && present(h.precedence) && BULK_PRECEDENCE.has(h.precedence.trim().toLowerCase())) return true;
  return h.from != null && AUTOMATED_LOCAL_PART.test(localPartOf(h.from).trim());
}
