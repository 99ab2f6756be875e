/**
 * Where a campaign is sent through: an SMTP URL given on the command line or in a request
 * (`smtp[s]://[user@]host[:port]`, the password apart), or the workspace's mail account.
 */
import type { Db } from '../db/database.js';
import { ValidationError } from '../errors.js';
import { secretsOf } from '../mail/accounts.service.js';
import { findAccountRowOrThrow, listAccountRows } from '../mail/mail.repo.js';
import { parseMailUrl } from '../mail/mail-url.js';
import type { MailKey } from '../mail/secret-box.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import type { SmtpTarget } from './smtp-lanes.js';

/**
 * An SMTP URL with an optional user: a relay on the local network often takes mail without a login.
 * @throws validation naming the field
 */
export function smtpTargetFromUrl(text: string, password: string | null, field: 'smtp' = 'smtp'): SmtpTarget {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (url && !url.username && /^smtps?:$/i.test(url.protocol) && !url.password) {
    if (!url.hostname) throw new ValidationError(`${field}: the host is missing`, [{ where: field, reason: 'no host' }]);
    const secure = url.protocol.toLowerCase() === 'smtps:';
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : secure ? 465 : 587, secure, user: null, password: null };
  }
  const server = parseMailUrl('smtp', text, field);
  return { host: server.host, port: server.port, secure: server.secure, user: server.user, password: password ?? '' };
}

/**
 * The SMTP server of a mail account of the workspace (by id or name, else the first).
 * @throws validation (no account), not_found (account)
 */
export async function smtpTargetFromAccount(db: Db, ws: Workspace, key: MailKey, ref?: string): Promise<SmtpTarget> {
  const row = ref ? await findAccountRowOrThrow(db.kysely, ws.id, ref) : (await listAccountRows(db.kysely, ws.id))[0];
  if (!row) throw new ValidationError('smtp: give an SMTP server (--smtp URL) or add a mail account first (rapport account add)', [{ where: 'smtp', reason: 'none' }]);
  const secrets = secretsOf(row, key);
  return { host: secrets.smtp.host, port: secrets.smtp.port, secure: secrets.smtp.secure, user: secrets.smtp.user, password: secrets.password };
}
