/**
 * A body over the limit gets its 413 problem every time, over a real socket: the server reads
 * the rest of the upload before closing, so the client never sees a reset instead.
 */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from './error-handler.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

const LIMIT = 1024 * 1024;

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/**
 * Uploads `bytes` to `path` over a raw socket and reads the answer only once everything is
 * sent, as curl does: input still unread when the server resets the connection is lost,
 * so the answer must come on a connection the server closes gracefully.
 */
function upload(port: number, path: string, headers: Record<string, string>, bytes: number, chunked: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.pause();
    const head = [
      `POST ${path} HTTP/1.1`,
      'host: 127.0.0.1',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      chunked ? 'transfer-encoding: chunked' : `content-length: ${bytes}`,
    ].join('\r\n');
    const piece = Buffer.alloc(64 * 1024, 'x');
    const frame = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [top = '', body = ''] = received.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(top)?.[1] ?? 0);
      const type = /^content-type: (.*)$/im.exec(top)?.[1];
      resolve({ status, type, body });
    });
    socket.write(`${head}\r\n\r\n`);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += piece.length;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
      socket.write(chunked ? '0\r\n\r\n' : '', () => socket.resume());
    };
    pump();
  });
}

describe('a body over the limit over a real socket', () => {
  let f: ApiFixture;
  let port: number;

  beforeAll(async () => {
    f = await setupApi('sqlite', { bodyLimit: LIMIT, uploadLimit: LIMIT });
    await f.app.listen({ port: 0, host: '127.0.0.1' });
    port = (f.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => f.close());

  for (const [name, path] of [['a JSON route', '/api/v1/contacts'], ['the upload route', '/api/v1/imports?format=csv']] as const) {
    for (const chunked of [false, true]) {
      it(`answers 413 to each of 20 uploads of 8 times the limit to ${name}${chunked ? ', chunked' : ''}`, async () => {
        for (let i = 0; i < 20; i++) {
          const answer = await upload(port, path, { ...bearer(f.tokens.owner), 'content-type': 'application/json' }, 8 * LIMIT, chunked);
          expect(answer.status, `try ${i}: ${answer.body}`).toBe(413);
          expect(answer.type).toBe(PROBLEM_CONTENT_TYPE);
          expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'payload_too_large' });
        }
      }, 60_000);
    }
  }

  it('answers 415 to each of 20 large uploads of another media type to a JSON route', async () => {
    for (let i = 0; i < 20; i++) {
      const answer = await upload(port, '/api/v1/contacts', { ...bearer(f.tokens.owner), 'content-type': 'text/plain' }, 4 * LIMIT, false);
      expect(answer.status, `try ${i}: ${answer.body}`).toBe(415);
      expect(answer.type).toBe(PROBLEM_CONTENT_TYPE);
    }
  }, 60_000);
});
