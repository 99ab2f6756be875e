/**
 * Rapport's own pool of SMTP connections for campaigns: one nodemailer SMTPConnection per
 * lane, reused message after message. nodemailer's pooled transport reads a message into its
 * pipeline before the server has accepted the envelope, so after a lost connection it cannot
 * say whether the message body went out; here the body is handed over only once the server
 * answered DATA, and that moment is recorded. A connection lost before it is a plain retry;
 * after it, the outcome is uncertain and the ledger says so.
 */
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { UnavailableError } from '../errors.js';

export interface SmtpTarget {
  host: string;
  port: number;
  /** TLS from the first byte (smtps); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string | null;
  password: string | null;
}

export type SendOutcome =
  | { kind: 'sent'; response: string }
  /** A definite refusal (5xx): never retried. */
  | { kind: 'failed'; error: string }
  /** Nothing was delivered (a 4xx, or the connection failed before the body went out). */
  | { kind: 'retry'; error: string }
  /** The body went out but no final answer came back. */
  | { kind: 'uncertain'; error: string };

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** What a failed send means for the ledger. Pure. */
export function classifySmtpError(error: unknown, isBodySent: boolean): Exclude<SendOutcome, { kind: 'sent' }> | 'login' {
  const e = error as SmtpFailure;
  const text = (e.response ?? e.message ?? String(error)).slice(0, 500);
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 534 || e.responseCode === 530) return 'login';
  if (e.responseCode && e.responseCode >= 500) return { kind: 'failed', error: text };
  if (e.responseCode && e.responseCode >= 400) return { kind: 'retry', error: text };
  return isBodySent ? { kind: 'uncertain', error: `the connection was lost after the message was handed over: ${text}` } : { kind: 'retry', error: text };
}

const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };

/** One connection, opened on first use and again after any failure. */
export class SmtpLane {
  private connection: SMTPConnection | null = null;

  constructor(private readonly target: SmtpTarget) {}

  private async open(): Promise<SMTPConnection> {
    const connection = new SMTPConnection({ host: this.target.host, port: this.target.port, secure: this.target.secure, tls: { servername: this.target.host }, ...TIMEOUTS });
    // A dropped connection also fails the send in flight, which is where it is handled.
    connection.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
    if (this.target.user !== null) {
      await new Promise<void>((resolve, reject) =>
        connection.login({ user: this.target.user as string, pass: this.target.password ?? '' }, (err) => (err ? reject(err) : resolve())),
      );
    }
    return connection;
  }

  /**
   * Sends one message.
   * @throws unavailable when the server refuses the login (every message would fail alike)
   */
  async send(envelope: { from: string; to: string }, raw: Buffer): Promise<SendOutcome> {
    let isBodySent = false;
    try {
      this.connection ??= await this.open();
      const body = new Readable({
        read() {
          this.push(raw);
          this.push(null);
        },
      });
      const pipe = body.pipe.bind(body);
      // nodemailer pipes the body only after the server's 354 to DATA.
      body.pipe = ((destination: NodeJS.WritableStream, options?: { end?: boolean }) => {
        isBodySent = true;
        return pipe(destination, options);
      }) as typeof body.pipe;
      const connection = this.connection;
      const info = await new Promise<{ response?: string; rejected?: unknown[] }>((resolve, reject) =>
        connection.send({ from: envelope.from, to: [envelope.to] }, body, (err, result) => (err ? reject(err) : resolve(result))),
      );
      return { kind: 'sent', response: info.response ?? '' };
    } catch (error) {
      this.close();
      const outcome = classifySmtpError(error, isBodySent);
      if (outcome === 'login') throw new UnavailableError(`the SMTP server ${this.target.host}:${this.target.port} refused the login of ${this.target.user ?? '(none)'}: ${(error as Error).message}`);
      return outcome;
    }
  }

  close(): void {
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      try {
        connection.quit();
      } catch {
        connection.close();
      }
    }
  }
}
