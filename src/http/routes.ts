/** What every routes file shares: the typed app, its dependencies and documented error replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import type { MailKey } from '../mail/secret-box.js';
import type { AccountLimiter } from '../auth/login-limit.js';
import type { Queue } from '../jobs/jobs.types.js';

export type ApiApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface RouteDeps {
  db: Db;
  now: () => number;
  allowPrivateWebhooks: boolean;
  secureCookies: boolean;
  loginRateLimit: number;
  /** Failed sign-ins per account (POST /auth/login), whatever the address. */
  accountLimiter: AccountLimiter;
  /** Largest upload in bytes (POST /imports). */
  uploadLimit: number;
  /** Work that outlives its request (import jobs); the server waits for it when closing. */
  background: (work: Promise<unknown>) => void;
  /** The job queue (background work that a worker process runs), opened on first use. */
  jobs: () => Promise<Queue>;
  /**
   * Enqueues background work for the worker role; undefined when the server was built without
   * a queue (tests), and the work then runs in the server process.
   */
  enqueue: Queue['enqueue'] | undefined;
  /** The key sealing mail passwords, loaded (or created) on first use. */
  mailKey: () => MailKey;
}

export type RoutesPlugin = (app: ApiApp, deps: RouteDeps) => void | Promise<void>;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('stable error code: validation, bad_input, unauthorized, forbidden, not_found, conflict, payload_too_large, rate_limited, unavailable, internal'),
    instance: z.string(),
    errors: z.array(z.object({ where: z.string(), reason: z.string() })).optional(),
  })
  .describe('RFC 9457 problem document');

/** The error replies every authenticated route documents. */
export const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  429: ProblemSchema,
} as const;

export const IdParam = (name: string) => z.object({ [name]: z.string().min(1).max(200) });
