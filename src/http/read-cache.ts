/**
 * A short-lived cache of read responses (micro-cache), per workspace and URL. Health and
 * list reads compute from many rows; under load the same read repeats many times a second.
 * Entries live `ttlMs` of wall-clock time, and any successful write through this process to
 * a workspace drops that workspace's entries at once, so a client reads its own writes.
 * Servers sharing a PostgreSQL database tell each other of their writes (`bus`, LISTEN/NOTIFY),
 * so a client reads its writes through any of them; other writes (the CLI, imports) show
 * after at most `ttlMs`. Access control still
 * runs on every request: the cache sits after authentication and is keyed by workspace.
 */
import type { FastifyInstance } from 'fastify';

interface Entry {
  payload: string;
  headers: Record<string, string>;
  expires: number;
  generation: number;
}

const KEPT_HEADERS = ['etag', 'link', 'x-next-cursor', 'x-total-count'];
const MAX_ENTRIES = 5000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Serve this GET from the read cache. */
    cache?: boolean;
  }
  interface FastifyRequest {
    cacheKey: string | null;
  }
}

/** How servers that share a database tell each other that a workspace changed. */
export interface CacheBus {
  publish(workspaceId: string): Promise<void>;
  subscribe(onChange: (workspaceId: string | '*') => void): void;
}

export function registerReadCache(app: FastifyInstance, ttlMs: number, bus?: CacheBus) {
  if (ttlMs <= 0) return;
  const entries = new Map<string, Entry>();
  const generations = new Map<string, number>();
  const generationOf = (ws: string) => generations.get(ws) ?? 0;
  bus?.subscribe((ws) => {
    if (ws === '*') entries.clear();
    else generations.set(ws, generationOf(ws) + 1);
  });

  app.decorateRequest('cacheKey', null);
  app.addHook('preHandler', async (request, reply) => {
    const ws = request.caller?.workspace?.id;
    if (!request.routeOptions.config.cache || request.method !== 'GET' || !ws) return;
    const key = `${ws}\n${request.url}`;
    const hit = entries.get(key);
    if (hit && hit.expires > Date.now() && hit.generation === generationOf(ws)) {
      reply.headers(hit.headers).type('application/json; charset=utf-8').header('x-cache', 'hit');
      return reply.send(hit.payload);
    }
    request.cacheKey = key;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const ws = request.caller?.workspace?.id;
    if (!ws) return payload;
    if (request.method !== 'GET') {
      // Any successful write may change what every read of the workspace shows.
      if (reply.statusCode < 400) {
        generations.set(ws, generationOf(ws) + 1);
        // Before the answer leaves, so the client's next read finds every server told.
        await bus?.publish(ws).catch((error: unknown) => request.log.warn({ err: error }, 'read cache: could not tell the other servers'));
      }
      return payload;
    }
    if (request.cacheKey && reply.statusCode === 200 && typeof payload === 'string') {
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = reply.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      entries.set(request.cacheKey, { payload, headers, expires: Date.now() + ttlMs, generation: generationOf(ws) });
    }
    return payload;
  });
}
