/**
 * A request refused before its body was read (413, or any error while the client still
 * uploads) must not close the connection under the client: closing a socket with unread
 * input makes the kernel send a reset, and the client then loses the answer (about half of
 * the time with curl). As nginx's lingering close and Node's HTTP guide do, the rest of the
 * body is read and discarded, the connection is closed once it has arrived, and a client
 * that keeps sending longer than LINGER_MS is cut off.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';

export const LINGER_MS = 30_000;

export function drainBeforeClose(request: IncomingMessage, reply: FastifyReply) {
  if (request.readableEnded || request.destroyed) return;
  // Keep-alive from Node's point of view, so that it does not destroy the socket as soon as
  // the answer is written; the socket is ended below once the body has been read.
  reply.removeHeader('connection');
  const socket = request.socket as (typeof request.socket & { end?: () => void; destroy?: () => void }) | null;
  const timer = setTimeout(() => socket?.destroy?.(), LINGER_MS);
  timer.unref?.();
  const finish = () => {
    clearTimeout(timer);
    // After the answer: end() sends it before the FIN.
    if (reply.raw.writableFinished) socket?.end?.();
    else reply.raw.once('finish', () => socket?.end?.());
  };
  request.once('end', finish);
  request.once('error', () => clearTimeout(timer));
  request.resume();
}
