/**
 * The URL shapes of the newsletter's public pages, shared by the message builder (which puts
 * them in mail) and the public endpoints (which answer them). Mail already sent carries these
 * URLs: never change a shape, only add new ones. `base` is the workspace's `public_url`
 * (validated, no trailing slash); tokens come from tokens.ts and are URL-safe as they are.
 */

/** Route paths for the public endpoints, in Fastify's notation. */
export const PUBLIC_PATHS = {
  /** GET shows a confirmation page (link scanners unsubscribe no one); POST unsubscribes (RFC 8058 one-click too). */
  unsubscribe: '/p/u/:token',
  /** GET redirects to the campaign's link named in the token. */
  click: '/p/c/:token',
  /** GET answers a 1×1 GIF and records an open. */
  open: '/p/o/:token',
  /** GET shows a page, POST confirms a double opt-in subscription. */
  confirm: '/p/confirm/:token',
  /** GET the embeddable form's page; POST subscribes (unconfirmed, a confirmation mail goes out). */
  subscribe: '/p/s/:formKey',
} as const;

export function unsubscribeUrl(base: string, token: string): string {
  return `${base}/p/u/${token}`;
}

export function clickUrl(base: string, token: string): string {
  return `${base}/p/c/${token}`;
}

export function openPixelUrl(base: string, token: string): string {
  return `${base}/p/o/${token}`;
}

export function confirmUrl(base: string, token: string): string {
  return `${base}/p/confirm/${token}`;
}

export function subscribeFormUrl(base: string, formKey: string): string {
  return `${base}/p/s/${formKey}`;
}

/**
 * The mailto half of List-Unsubscribe (RFC 2369): a mail to the list's sender whose subject
 * carries the unsubscribe token, for clients that prefer mail to a web request.
 */
export function unsubscribeMailto(address: string, token: string): string {
  return `mailto:${address}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
}
