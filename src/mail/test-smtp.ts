/**
 * A loopback SMTP server (smtp-server) for tests: accepts any login over a plain connection,
 * and keeps every message it receives with its envelope and the credentials it was sent with.
 */
import { SMTPServer } from 'smtp-server';

export interface Received {
  raw: Buffer;
  from: string;
  to: string[];
  user: string;
  pass: string;
}

export interface TestSmtp {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

export async function startSmtp(options: { password?: string } = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const logins = new Map<string, { user: string; pass: string }>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, session, callback) {
      if (options.password !== undefined && auth.password !== options.password) return callback(new Error('Invalid username or password'));
      logins.set(session.id, { user: auth.username ?? '', pass: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const login = logins.get(session.id) ?? { user: '', pass: '' };
        received.push({
          raw: Buffer.concat(chunks),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...login,
        });
        callback();
      });
    },
  });
  // A client killed mid-session resets its connection; smtp-server reports that as an 'error'
  // event, which would be an uncaught exception without a listener. The client's side is what tests check.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
