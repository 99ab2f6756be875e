/**
 * The newsletter's public endpoints (paths from links.ts: mail already sent carries them):
 * unsubscribe (GET asks, POST acts, RFC 8058 one-click included), the open pixel, click
 * redirects, the subscribe form and the double opt-in confirmation. Unauthenticated and
 * rate-limited per client address; they answer HTML pages (or a GIF, or a redirect), never
 * JSON, and never a stack trace. Not under /api/v1 and not in the OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { RouteDeps } from '../http/routes.js';
import { PUBLIC_PATHS } from './links.js';
import {
  checkInboxPage,
  confirmAskPage,
  confirmedPage,
  invalidLinkPage,
  PAGE_CSP,
  rateLimitedPage,
  resubscribedPage,
  subscribeFormPage,
  unavailablePage,
  unsubscribeAskPage,
  unsubscribedPage,
  type Page,
} from './public-pages.js';
import {
  confirmByToken,
  findFormList,
  followClick,
  recordOpen,
  resubscribeByToken,
  subscribeFromForm,
  unsubscribeByToken,
  viewConfirm,
  viewUnsubscribe,
} from './public.service.js';

/** Requests per minute and client address. The form is the one that sends mail. */
export const PUBLIC_RATE_LIMITS = { form: 10, page: 120, tracking: 600 };

// The smallest transparent GIF (1×1).
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const BODY_LIMIT = 16 * 1024;

type TokenParams = { Params: { token: string } };
type FormParams = { Params: { formKey: string } };

function sendPage(reply: FastifyReply, page: Page) {
  return reply
    .code(page.status)
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(page.html);
}

/** The page's own path (forms post back to it), without any query. */
function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}

/** Form fields of an urlencoded body; any other body (RFC 8058 allows multipart) reads as none. */
function fieldsOf(request: FastifyRequest): Record<string, string> {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, string>) : {};
}

export async function registerNewsletterPublic(root: FastifyInstance, deps: RouteDeps): Promise<void> {
  await root.register(async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, text, done) => {
      const fields: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(text as string)) if (!(key in fields)) fields[key] = value;
      done(null, fields);
    });
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, _body, done) => done(null, null));
    app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
      if (error.statusCode === 429 || error.code === 'rate_limited') return sendPage(reply, rateLimitedPage());
      if (error instanceof AppError && error.code === 'validation') return sendPage(reply, invalidLinkPage());
      if (error.statusCode && error.statusCode < 500) return sendPage(reply, invalidLinkPage());
      request.log.error(error);
      return sendPage(reply, unavailablePage());
    });

    const limiter = (max: number) => app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: (req) => `newsletter:${max}:${req.ip}` });
    const formLimit = limiter(PUBLIC_RATE_LIMITS.form);
    const pageLimit = limiter(PUBLIC_RATE_LIMITS.page);
    const trackingLimit = limiter(PUBLIC_RATE_LIMITS.tracking);
    const isLimited = async (check: typeof formLimit, request: FastifyRequest) => {
      const result = await check(request);
      return !result.isAllowed && result.isExceeded;
    };
    const config = { access: 'public' as const };
    const schema = { hide: true };

    app.get<TokenParams>(PUBLIC_PATHS.unsubscribe, { config, schema }, async (request, reply) => {
      if (await isLimited(pageLimit, request)) return sendPage(reply, rateLimitedPage());
      const view = await viewUnsubscribe(deps.db.kysely, request.params.token, deps.now());
      if (!view) return sendPage(reply, invalidLinkPage());
      return sendPage(reply, view.status === 'unsubscribed' ? unsubscribedPage(view.listName, pathOf(request)) : unsubscribeAskPage(view.listName, view.email, pathOf(request)));
    });

    // A one-click POST (`List-Unsubscribe=One-Click`), the page's button, or any other POST of
    // the link unsubscribes; only the page's "subscribe again" button resubscribes.
    app.post<TokenParams>(PUBLIC_PATHS.unsubscribe, { config, schema, bodyLimit: BODY_LIMIT }, async (request, reply) => {
      if (await isLimited(pageLimit, request)) return sendPage(reply, rateLimitedPage());
      const token = request.params.token;
      if (fieldsOf(request).action === 'resubscribe') {
        const done = await resubscribeByToken(deps.db.kysely, token, deps.now());
        return sendPage(reply, done ? resubscribedPage(done.listName) : invalidLinkPage());
      }
      const done = await unsubscribeByToken(deps.db.kysely, token, deps.now());
      return sendPage(reply, done ? unsubscribedPage(done.listName, pathOf(request)) : invalidLinkPage());
    });

    app.get<TokenParams>(PUBLIC_PATHS.open, { config, schema }, async (request, reply) => {
      // Whatever happens, the mail shows a transparent pixel and never a broken image.
      try {
        if (!(await isLimited(trackingLimit, request))) await recordOpen(deps.db.kysely, request.params.token, deps.now());
      } catch (error) {
        request.log.warn({ err: error }, 'newsletter open not recorded');
      }
      return reply.header('cache-control', 'no-store, max-age=0').header('referrer-policy', 'no-referrer').type('image/gif').send(PIXEL);
    });

    app.get<TokenParams>(PUBLIC_PATHS.click, { config, schema }, async (request, reply) => {
      if (await isLimited(trackingLimit, request)) return sendPage(reply, rateLimitedPage());
      const url = await followClick(deps.db.kysely, request.params.token, deps.now());
      if (!url) return sendPage(reply, invalidLinkPage());
      return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url, 302);
    });

    app.get<FormParams>(PUBLIC_PATHS.subscribe, { config, schema }, async (request, reply) => {
      if (await isLimited(pageLimit, request)) return sendPage(reply, rateLimitedPage());
      const list = await findFormList(deps.db.kysely, request.params.formKey);
      return sendPage(reply, list ? subscribeFormPage(list.name, list.description, pathOf(request)) : invalidLinkPage());
    });

    app.post<FormParams>(PUBLIC_PATHS.subscribe, { config, schema, bodyLimit: BODY_LIMIT }, async (request, reply) => {
      if (await isLimited(formLimit, request)) return sendPage(reply, rateLimitedPage());
      const fields = fieldsOf(request);
      const list = await findFormList(deps.db.kysely, request.params.formKey);
      if (!list) return sendPage(reply, invalidLinkPage());
      try {
        await subscribeFromForm(deps.db, request.params.formKey, { email: (fields.email ?? '').trim(), name: fields.name?.trim() || null }, request.ip, deps.now(), {
          key: deps.mailKey,
          deliver: deps.background,
          onError: (error) => request.log.error({ err: error }, 'newsletter confirmation mail not sent'),
        });
      } catch (error) {
        if (error instanceof AppError && error.code === 'validation') return sendPage(reply, subscribeFormPage(list.name, list.description, pathOf(request), 'Enter a valid email address.'));
        throw error;
      }
      return sendPage(reply, checkInboxPage(list.name));
    });

    app.get<TokenParams>(PUBLIC_PATHS.confirm, { config, schema }, async (request, reply) => {
      if (await isLimited(pageLimit, request)) return sendPage(reply, rateLimitedPage());
      const view = await viewConfirm(deps.db.kysely, request.params.token, deps.now());
      return sendPage(reply, view ? confirmAskPage(view.listName, pathOf(request)) : invalidLinkPage());
    });

    app.post<TokenParams>(PUBLIC_PATHS.confirm, { config, schema, bodyLimit: BODY_LIMIT }, async (request, reply) => {
      if (await isLimited(pageLimit, request)) return sendPage(reply, rateLimitedPage());
      const done = await confirmByToken(deps.db.kysely, request.params.token, deps.now());
      return sendPage(reply, done ? confirmedPage(done.listName) : invalidLinkPage());
    });
  });
}
