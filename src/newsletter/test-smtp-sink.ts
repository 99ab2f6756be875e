/**
 * A loopback SMTP server for newsletter tests and the bench (smtp-server): takes any login,
 * keeps what it receives, and can misbehave per recipient address, refusing it (a 5xx or 4xx
 * to RCPT TO) or dropping the connection once the message body has arrived (the uncertain
 * outcome).
 */
import { SMTPServer } from 'smtp-server';

export type Behaviour = number | { code: number; times: number } | 'drop-after-data';

export interface SinkMessage {
  to: string;
  raw: string;
}

export interface SmtpSink {
  port: number;
  received: SinkMessage[];
  /** Addresses → behaviour: a reply code to RCPT TO (the first `times` tries only), or 'drop-after-data'. Edit at will. */
  behaviour: Map<string, Behaviour>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { keepRaw?: boolean } = {}): Promise<SmtpSink> {
  const received: SinkMessage[] = [];
  const behaviour = new Map<string, Behaviour>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const b = behaviour.get(address.address.toLowerCase());
      const code = typeof b === 'number' ? b : typeof b === 'object' && b.times-- > 0 ? b.code : null;
      if (code !== null) {
        const error = new Error(code >= 500 ? 'no such user here' : 'try again later') as Error & { responseCode: number };
        error.responseCode = code;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address.toLowerCase() ?? '';
        received.push({ to, raw: options.keepRaw === false ? '' : Buffer.concat(chunks).toString('utf8') });
        if (behaviour.get(to) === 'drop-after-data') {
          // Delivered, but the client never hears so: smtp-server keeps its connections in a
          // set, and the one of this session is dropped without an answer.
          const connections = (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections;
          for (const c of connections) if (c.id === session.id) c._socket.destroy();
          return;
        }
        callback();
      });
    },
  });
  // A client killed mid-session resets its connection; smtp-server reports that as an 'error'
  // event, which would be an uncaught exception without a listener. The client's side is what tests check.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, received, behaviour, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
