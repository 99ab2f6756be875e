/**
 * The HTTP server: JSON API under /api/v1 (routes live beside their domain services), its
 * OpenAPI 3.1 document at /api/v1/openapi.json, a reference page at /api/docs, and the web
 * app from web/dist with an SPA fallback. `buildServer` does not listen, so tests use inject.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { readEnv } from '../config.js';
import { loadMailKey, type KeySource, type MailKey } from '../mail/secret-box.js';
import { registerAuditHook } from '../audit/audit.hook.js';
import { type CacheBus, registerReadCache } from '../http/read-cache.js';
import { openPgChannel } from '../db/pg-channel.js';
import { registerAuth, type Access } from '../http/auth.js';
import { authLookups } from './auth-lookups.js';
import { SESSION_TTL_MS } from '../auth/sessions.service.js';
import { errorHandler, problemOf, sendProblem } from '../http/error-handler.js';
import { checkUrlInput, registerJsonParser } from '../http/json-body.js';
import { API_ROUTES } from './api-routes.js';
import type { ApiApp, RouteDeps } from '../http/routes.js';
import { createAccountLimiter, createSharedAccountLimiter } from '../auth/login-limit.js';
import { sharedRateLimitStore } from '../http/rate-limit-store.js';
import type { Queue } from '../jobs/jobs.types.js';
import { openAppQueue } from './worker.js';
import { registerNewsletterPublic } from '../newsletter/public.routes.js';

export interface ServerOptions {
  now?: () => number;
  logger?: boolean | { level: string };
  /** Folder of the built web app; default web/dist when it exists. null: no web app. */
  webDist?: string | null;
  /** Set Secure on cookies (behind HTTPS). */
  secureCookies?: boolean;
  /**
   * Behind a reverse proxy: which proxies to believe about the client's address
   * (X-Forwarded-For), so that rate limits and the audit log see clients, not the proxy.
   * Addresses or CIDRs of the proxies ("127.0.0.1,10.0.0.0/8", "loopback").
   */
  trustProxy?: string;
  allowPrivateWebhooks?: boolean;
  /** Largest JSON body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Requests per minute: per token, login attempts per address, failed credentials per address;
   * accountFailures: failed sign-ins per account per 15 minutes, from any address.
   */
  rateLimits?: { token?: number; login?: number; failedAuth?: number; accountFailures?: number };
  /** The job queue GET /jobs lists; default: the database's, opened on first use. */
  queue?: Queue;
  /**
   * Hand background work (uploaded imports) to the queue's workers rather than running it in
   * this process (rapport serve, whose worker role runs in this process or in others).
   */
  enqueueBackgroundWork?: boolean;
  /** Largest upload to POST /imports in bytes (default 2 GiB). */
  uploadLimit?: number;
  /** Lifetime of cached reads in ms (read-cache.ts); 0 turns the cache off. Default 1000. */
  readCacheMs?: number;
  /** Where the mail password key comes from; default RAPPORT_SECRET, else the key file in RAPPORT_DATA. */
  mailKeySource?: KeySource;
}

export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
  hidden: boolean;
  hasBody: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access rule: the auth matrix and the OpenAPI test walk it. */
    routeTable: RouteEntry[];
  }
}

export async function buildServer(db: Db, options: ServerOptions = {}): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 300, ignoreTrailingSlash: true },
    // Bad percent-encoding in the URL: a problem document like every other error.
    frameworkErrors: (error, request, reply) => sendProblem(reply, problemOf(400, 'bad_input', error.message, request.url)),
  }).withTypeProvider<ZodTypeProvider>();

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: route.url, access: route.config?.access, hidden: !!(route.schema as { hide?: boolean } | undefined)?.hide, hasBody: !!route.schema?.body });
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; bodies are built by presenters typed with them, so
  // serializing is plain JSON.stringify (re-validating every response would halve throughput).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);
  registerJsonParser(app);

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    hsts: options.secureCookies ? undefined : false,
  });
  // Several servers on one PostgreSQL database count each limit together there.
  const isShared = db.dialect === 'postgres';
  await app.register(rateLimit, { global: false, ...(isShared ? { store: sharedRateLimitStore(db.kysely) } : {}) });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Rapport API', version: '1.0.0', description: 'Relationship care: contacts, interactions, health, today. Errors are RFC 9457 problem documents; lists page with cursors (Link rel="next").' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (rapport token create)' },
          session: { type: 'apiKey', in: 'cookie', name: 'rapport_session', description: 'Browser session; writes need X-CSRF-Token' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: (h) => h.replace('upgrade-insecure-requests;', ''), uiConfig: { url: '/api/v1/openapi.json' } as never });

  registerAuth(app, authLookups(db.kysely), {
    now,
    sessionTtlMs: SESSION_TTL_MS,
    secureCookies: !!options.secureCookies,
    tokenRateLimit: options.rateLimits?.token ?? 1200,
    failedAuthLimit: options.rateLimits?.failedAuth ?? 30,
  });
  app.addHook('preValidation', checkUrlInput);
  registerAuditHook(app, db, now);
  const readCacheMs = options.readCacheMs ?? 1000;
  registerReadCache(app, readCacheMs, readCacheMs > 0 ? cacheBus(app, db) : undefined);

  let mailKey: MailKey | undefined;
  // Opened on first use: most requests enqueue nothing, and on PostgreSQL opening migrates
  // graphile-worker's schema. A queue this server opened, it closes.
  let queue: Promise<Queue> | undefined;
  app.addHook('onClose', async () => {
    if (queue && !options.queue) await (await queue).close();
  });
  const deps: RouteDeps = {
    db,
    now,
    allowPrivateWebhooks: !!options.allowPrivateWebhooks,
    secureCookies: !!options.secureCookies,
    loginRateLimit: options.rateLimits?.login ?? 10,
    accountLimiter: isShared
      ? createSharedAccountLimiter(db.kysely, options.rateLimits?.accountFailures ?? 10)
      : createAccountLimiter(options.rateLimits?.accountFailures ?? 10),
    uploadLimit: options.uploadLimit ?? 2 * 1024 ** 3,
    mailKey: () => {
      mailKey ??= loadMailKey(options.mailKeySource ?? { secret: readEnv().RAPPORT_SECRET, dataDir: readEnv().RAPPORT_DATA });
      return mailKey;
    },
    enqueue: options.enqueueBackgroundWork ? options.queue?.enqueue : undefined,
    jobs: () => {
      queue ??= options.queue ? Promise.resolve(options.queue) : openAppQueue(db);
      return queue;
    },
    background: (work) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
  };
  const pending = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });
  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<ZodTypeProvider>() as ApiApp;
      typed.get('/health', { config: { access: 'public' }, schema: { tags: ['meta'], summary: 'Liveness check', security: [], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
      typed.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
      for (const routes of API_ROUTES) await routes(typed, deps);
    },
    { prefix: '/api/v1' },
  );
  // Pages and links that newsletter readers open, outside the API (/p/…).
  await registerNewsletterPublic(app, deps);

  registerWebApp(app, options.webDist === undefined ? DEFAULT_WEB_DIST : options.webDist);

  return app;
}

/**
 * The built web app of this package: found from this file (src/app or dist/app), not from
 * the working folder, so that `rapport serve` serves it wherever it is started.
 */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The web app with an SPA fallback: unknown non-API GETs get index.html; unknown API paths a 404 problem. */
function registerWebApp(app: FastifyInstance, dir: string | null) {
  const hasWeb = !!dir && existsSync(join(dir, 'index.html'));
  if (hasWeb) app.register(fastifyStatic, { root: dir, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (hasWeb && request.method === 'GET' && !path.startsWith('/api/')) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return sendProblem(reply, problemOf(404, 'not_found', `no route ${request.method} ${path}`, request.url));
  });
}

/** On PostgreSQL, servers sharing the database hear of each other's writes (LISTEN/NOTIFY). */
function cacheBus(app: FastifyInstance, db: Db): CacheBus | undefined {
  if (db.dialect !== 'postgres' || !db.url) return undefined;
  let onChange: ((workspaceId: string) => void) | undefined;
  const channel = openPgChannel(db, db.url, 'rapport_writes', (payload) => onChange?.(payload));
  app.addHook('onClose', () => channel.close());
  return {
    publish: (workspaceId) => channel.publish(workspaceId),
    subscribe: (listener) => {
      onChange = listener;
    },
  };
}
