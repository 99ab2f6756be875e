/**
 * Cursor pagination. List bodies stay plain arrays (the same objects as the CLI's --json);
 * the next page is announced in a `Link: <…>; rel="next"` header and in `X-Next-Cursor`.
 * A cursor is opaque to clients: base64url of the last item's id.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../errors.js';

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(300).optional(),
});

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]{2,4}_[0-9a-z]{8,40}$/.test(id)) throw new ValidationError('cursor: not a cursor from this API', [{ where: 'query.cursor', reason: 'unknown cursor' }]);
  return id;
}

/** Sets the Link / X-Next-Cursor headers and returns the items. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: { items: T[]; next: string | null }): T[] {
  if (page.next) {
    const url = new URL(request.url, 'http://x');
    url.searchParams.set('cursor', page.next);
    reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
    reply.header('x-next-cursor', page.next);
  }
  return page.items;
}

/** Reads a version from If-Match (`"3"` or `W/"3"`); undefined when absent. */
export function versionFromIfMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(String(header).trim());
  if (!match) throw new ValidationError('If-Match: expected the ETag of the resource, such as "3"', [{ where: 'header.if-match', reason: 'not an ETag of this API' }]);
  return Number(match[1]);
}

export function etagOf(version: number | string): string {
  return `"${version}"`;
}
