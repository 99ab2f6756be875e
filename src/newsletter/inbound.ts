/**
 * What the mail pipeline needs to know about newsletter mail, pure: the marks a parsed message
 * carries (our campaign header, List-Unsubscribe with RFC 8058's one-click field) and the
 * decisions made from them. Runs in the import's parser threads, so plain data only.
 */
import type { Direction } from '../interactions/interactions.schema.js';

/** The header the campaign builder puts on every issue (value: the campaign id). */
export const CAMPAIGN_HEADER = 'x-rapport-campaign';

export interface NewsletterMark {
  /** Our campaign header's value, else null. */
  campaign: string | null;
  /** List-Unsubscribe together with List-Unsubscribe-Post: the shape of our issues (RFC 8058). */
  hasOneClickUnsubscribe: boolean;
  /** The token of a mail to the List-Unsubscribe mailto (subject `unsubscribe TOKEN`, links.ts). */
  unsubscribeToken: string | null;
}

export function newsletterMarkOf(headers: { key: string; value: string }[], subject: string | null): NewsletterMark {
  const value = (key: string) => headers.find((h) => h.key === key)?.value.trim() ?? null;
  return {
    campaign: value(CAMPAIGN_HEADER) || null,
    hasOneClickUnsubscribe: !!value('list-unsubscribe') && /one-click/i.test(value('list-unsubscribe-post') ?? ''),
    // Clients may prefix the subject they were given (Re:, Fwd:) or keep it as it is.
    unsubscribeToken: /(?:^|\s)unsubscribe\s+(v1\.u\.[A-Za-z0-9_.-]{10,400})\s*$/i.exec(subject ?? '')?.[1] ?? null,
  };
}

/**
 * Our own issue seen again (a Sent folder, an archive): outbound with our campaign header, or
 * outbound with a one-click List-Unsubscribe, which mail of one person to another never has.
 * Stored as a `newsletter` interaction: neither a touch nor a reply.
 */
export function isOwnIssue(mark: NewsletterMark, direction: Direction): boolean {
  if (direction === 'in') return false;
  return mark.campaign !== null || mark.hasOneClickUnsubscribe;
}

/** Message-IDs as the ledger may hold them: with and without angle brackets. */
export function messageIdForms(ids: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const bare = id.replace(/^<|>$/g, '');
    if (!bare) continue;
    out.add(bare);
    out.add(`<${bare}>`);
  }
  return [...out];
}
