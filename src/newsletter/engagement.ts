/**
 * Newsletter engagement as prospect warmth. Newsletter mail is never a touch nor a reply, but
 * a prospect who opens the issues and clicks their links is warming up: their engagement
 * factor takes the larger of what their own mail shows and this warmth. Pure.
 */

export const WARMTH_WINDOW_DAYS = 90;

export interface NewsletterEngagement {
  /** Issues they opened in the window (distinct campaigns). */
  opens_90d: number;
  /** Links they clicked in the window. */
  clicks_90d: number;
}

/** A click says more than an open: three clicks, or six opens, or a mix worth six, is full warmth. */
export function newsletterWarmth(e: NewsletterEngagement): number | null {
  if (e.opens_90d === 0 && e.clicks_90d === 0) return null;
  return Math.min(1, (e.opens_90d + 2 * e.clicks_90d) / 6);
}

const times = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A prospect's engagement factor with their newsletter warmth: the larger of the two values,
 * explained with both. Without newsletter engagement the factor stays as it was.
 */
export function withNewsletterWarmth(factor: { value: number | null; explanation: string }, e: NewsletterEngagement | undefined): { value: number | null; explanation: string } {
  const warmth = e ? newsletterWarmth(e) : null;
  if (e === undefined || warmth === null) return factor;
  const said = `Newsletter: opened ${times(e.opens_90d, 'issue', 'issues')} and clicked ${times(e.clicks_90d, 'link', 'links')} in ${WARMTH_WINDOW_DAYS} days (warmth ${Math.round(warmth * 100)}%).`;
  if (factor.value !== null && factor.value >= warmth) return { value: factor.value, explanation: `${factor.explanation} ${said}` };
  return { value: warmth, explanation: `${said} ${factor.explanation}` };
}
