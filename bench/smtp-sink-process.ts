/**
 * The loopback SMTP server of the newsletter benchmark in a process of its own, as a real
 * mail server would be: its work does not share the sender's event loop. Tells its parent its
 * port, then answers "count" with the number of messages received since the last "reset".
 */
import { startSmtpSink } from '../src/newsletter/test-smtp-sink.js';

const sink = await startSmtpSink({ keepRaw: false });
process.on('message', (message: string) => {
  if (message === 'count') process.send?.({ count: sink.received.length });
  if (message === 'reset') {
    sink.received.length = 0;
    process.send?.({ count: 0 });
  }
});
process.on('disconnect', () => void sink.close().then(() => process.exit(0)));
process.send?.({ port: sink.port });
