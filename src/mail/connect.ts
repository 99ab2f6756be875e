/**
 * Connections to the mail servers of an account, and the connection test that says which step
 * failed: DNS, the TCP connection, TLS, the login, or the folders. Error texts never contain
 * the password: imapflow and nodemailer do not put it in theirs, and ours name the user only.
 */
import { lookup } from 'node:dns/promises';
import { ImapFlow, type ListResponse } from 'imapflow';
import { createTransport, type Transporter } from 'nodemailer';
import type { ConnectionCheck, ConnectionTest } from './mail.schema.js';
import type { MailServer } from './mail-url.js';

export interface AccountSecrets {
  imap: MailServer;
  smtp: MailServer;
  password: string;
}

export type Step = NonNullable<ConnectionCheck['failed']>;

const CONNECT_TIMEOUT_MS = 15_000;

/** A client; `idle` keeps it IDLE on the selected mailbox, re-issued every maxIdleTime ms. */
export function imapClient(server: MailServer, password: string, idle?: { idle: true; maxIdleTime: number }): ImapFlow {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.secure,
    auth: { user: server.user, pass: password },
    logger: false,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    // Sync reads from several mailboxes one after another: no IDLE in between.
    disableAutoIdle: !idle,
    maxIdleTime: idle?.maxIdleTime,
    tls: { servername: server.host },
  });
  // A connection that drops emits 'error'; the pending command rejects too, which is where we handle it.
  client.on('error', () => undefined);
  return client;
}

export function smtpTransport(server: MailServer, password: string): Transporter {
  return createTransport({
    host: server.host,
    port: server.port,
    secure: server.secure,
    auth: { user: server.user, pass: password },
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    tls: { servername: server.host },
  });
}

const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_CERT|HOSTNAME_MISMATCH)|ETLS/;

/** The step an error from imapflow or nodemailer belongs to. */
export function stepOfError(error: unknown): Step {
  const e = error as { code?: string; authenticationFailed?: boolean; responseCode?: number; command?: string; message?: string };
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EDNS') return 'dns';
  if (e.authenticationFailed || e.code === 'EAUTH' || e.responseCode === 535) return 'login';
  if ((e.code && TLS_CODE.test(e.code)) || /certificate|ssl|tls/i.test(e.message ?? '')) return 'tls';
  return 'connect';
}

/** A message for a failed step: what failed, where, and the server's words. */
export function describeFailure(step: Step, server: MailServer, error: unknown): string {
  const e = error as { code?: string; message?: string; responseText?: string; response?: string };
  const detail = e.responseText ?? e.response ?? e.message ?? String(error);
  const where = `${server.host}:${server.port}`;
  switch (step) {
    case 'dns':
      return `DNS: cannot resolve ${server.host} (${e.code ?? detail})`;
    case 'tls':
      return `TLS: the secure connection to ${where} failed: ${detail}`;
    case 'login':
      return `login: ${server.kind.toUpperCase()} server ${where} refused user ${server.user}: ${detail}`;
    case 'folder':
      return `folder: ${detail}`;
    default:
      // nodemailer wraps socket errors as ESOCKET / ECONNECTION; the message has the cause.
      return `connect: cannot reach ${where}: ${e.code && !/^E(SOCKET|CONNECTION)$/.test(e.code) ? e.code : detail}`;
  }
}

async function resolveHost(server: MailServer): Promise<ConnectionCheck | null> {
  try {
    await lookup(server.host);
    return null;
  } catch (error) {
    return { server: server.kind, ok: false, failed: 'dns', message: describeFailure('dns', server, error) };
  }
}

/** INBOX and the Sent folder by SPECIAL-USE, else by the usual names. */
export function findSentFolder(list: ListResponse[]): string | null {
  const bySpecialUse = list.find((f) => f.specialUse === '\\Sent');
  if (bySpecialUse) return bySpecialUse.path;
  const names = ['sent', 'sent items', 'sent messages', 'sent mail', 'inbox.sent', 'inbox/sent', '[gmail]/sent mail', 'gesendet', 'envoyés', 'enviados'];
  for (const name of names) {
    const hit = list.find((f) => f.path.toLowerCase() === name || f.name.toLowerCase() === name);
    if (hit) return hit.path;
  }
  return null;
}

async function checkImap(server: MailServer, password: string, folders: string[] | null): Promise<ConnectionCheck> {
  const dns = await resolveHost(server);
  if (dns) return dns;
  const client = imapClient(server, password);
  try {
    await client.connect();
  } catch (error) {
    const step = stepOfError(error);
    return { server: 'imap', ok: false, failed: step, message: describeFailure(step, server, error) };
  }
  try {
    const list = await client.list();
    const paths = new Set(list.map((f) => f.path));
    const missing = (folders ?? ['INBOX']).filter((f) => !paths.has(f) && f.toUpperCase() !== 'INBOX');
    if (missing.length > 0) return { server: 'imap', ok: false, failed: 'folder', message: `folder: no folder named ${missing.join(', ')} on the server (it has ${[...paths].slice(0, 20).join(', ')})` };
    const sent = findSentFolder(list);
    await client.status('INBOX', { messages: true });
    return { server: 'imap', ok: true, failed: null, message: `logged in as ${server.user}; INBOX${sent ? ` and ${sent}` : ', no Sent folder found'}` };
  } catch (error) {
    return { server: 'imap', ok: false, failed: 'folder', message: describeFailure('folder', server, error) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function checkSmtp(server: MailServer, password: string): Promise<ConnectionCheck> {
  const dns = await resolveHost(server);
  if (dns) return dns;
  const transport = smtpTransport(server, password);
  try {
    await transport.verify();
    return { server: 'smtp', ok: true, failed: null, message: `logged in as ${server.user}` };
  } catch (error) {
    const step = stepOfError(error);
    return { server: 'smtp', ok: false, failed: step, message: describeFailure(step, server, error) };
  } finally {
    transport.close();
  }
}

/** Connects to both servers and logs in; says which step failed. Never throws for a server's failure. */
export async function testConnection(secrets: AccountSecrets, folders: string[] | null): Promise<ConnectionTest> {
  const checks = await Promise.all([checkImap(secrets.imap, secrets.password, folders), checkSmtp(secrets.smtp, secrets.password)]);
  return { ok: checks.every((c) => c.ok), checks };
}
