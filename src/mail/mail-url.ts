/**
 * Mail server URLs: `imaps://user@host[:port]` connects with TLS, `imap://…` in the clear with
 * STARTTLS when the server offers it (local servers); the same for smtp(s). The user part may
 * be percent-encoded (`me%40example.com@mail.example.com`). A password in the URL is refused:
 * it would end up in shell history and in the database in clear.
 */
import { ValidationError } from '../errors.js';

export interface MailServer {
  kind: 'imap' | 'smtp';
  /** TLS from the first byte (imaps, smtps). */
  secure: boolean;
  host: string;
  port: number;
  user: string;
}

const DEFAULT_PORTS = { imap: 143, imaps: 993, smtp: 587, smtps: 465 } as const;

/** @throws validation naming the field and what is wrong. */
export function parseMailUrl(kind: 'imap' | 'smtp', text: string, field = kind): MailServer {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(`${field}: not a URL: expected ${kind}s://user@host[:port]`, [{ where: field, reason: 'not a URL' }]);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== kind && scheme !== `${kind}s`) {
    throw new ValidationError(`${field}: expected ${kind}s:// or ${kind}://, got ${scheme}://`, [{ where: field, reason: 'wrong scheme' }]);
  }
  if (url.password) throw new ValidationError(`${field}: put no password in the URL; give it separately`, [{ where: field, reason: 'password in URL' }]);
  if (!url.username) throw new ValidationError(`${field}: the user is missing: ${kind}s://user@host`, [{ where: field, reason: 'no user' }]);
  if (!url.hostname) throw new ValidationError(`${field}: the host is missing`, [{ where: field, reason: 'no host' }]);
  if (url.pathname && url.pathname !== '/') throw new ValidationError(`${field}: no path expected after the host`, [{ where: field, reason: 'path' }]);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[scheme as keyof typeof DEFAULT_PORTS];
  return { kind, secure: scheme.endsWith('s'), host: url.hostname.replace(/^\[|\]$/g, ''), port, user: decodeURIComponent(url.username) };
}

/** The URL as stored and shown: scheme, encoded user, host and port; never a password. */
export function formatMailUrl(server: MailServer): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `${server.kind}${server.secure ? 's' : ''}://${encodeURIComponent(server.user)}@${host}:${server.port}`;
}
