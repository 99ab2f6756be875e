/** Health and metrics of a contact (SPEC §4, §5) and the open waits ("waiting on you"). */
import { z } from 'zod';
import { ContactHealthSummarySchema } from '../contacts/contacts.openapi.js';
import { STAGES, STATUSES } from '../contacts/contacts.schema.js';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { FACTOR_NAMES, type ContactHealth, type WaitingRow } from '../metrics/metrics.types.js';
import { getContactHealth, listWaitingPage } from './health.service.js';

const ContactRef = z.object({ id: z.string(), name: z.string(), email: z.string().nullable() });
const Num = z.number().nullable();
const FactorSchema = z.object({ value: Num, weight: z.number(), explanation: z.string() });

export const ContactHealthSchema: z.ZodType<ContactHealth> = z.object({
  contact: ContactRef,
  score: Num,
  status: z.enum(STATUSES).nullable(),
  slipping: z.boolean(),
  stage: z.enum(STAGES),
  factors: z.object(Object.fromEntries(FACTOR_NAMES.map((n) => [n, FactorSchema])) as Record<(typeof FACTOR_NAMES)[number], typeof FactorSchema>),
  metrics: z.object({
    replies: z.number(), reply_median_s: Num, reply_p90_s: Num, reply_median_business_s: Num, open_waits: z.number(),
    oldest_wait_s: Num, oldest_wait_business_s: Num, nudges: z.number(), nudge_rate: Num, inbound_per_30d: z.number(),
    baseline_inbound_per_30d: Num, sentiment_90d: Num, competitor_mentions_90d: z.number(), touches_per_30d: z.number(),
    baseline_touches_per_30d: Num, attention_ratio: Num, days_since_last_touch: Num, typical_gap_days: z.number(), overdue: z.boolean(),
    behaviors_180d: z.record(z.string(), z.number()), gives_180d: z.number(), asks_180d: z.number(),
    sla_target_business_s: Num, sla_breaches_90d: z.number(),
  }),
});

const OpenWaitObject = z.object({
  contact: ContactRef,
  thread_id: z.string(),
  subject: z.string().nullable(),
  since: z.string(),
  wait_s: z.number(),
  wait_business_s: z.number(),
  nudges: z.number(),
  competitors: z.array(z.string()).describe("the workspace's competitors named in this thread's inbound mail"),
});
const WaitingRowSchema: z.ZodType<WaitingRow> = OpenWaitObject.extend({
  health: ContactHealthSummarySchema.nullable().describe("the contact's health as of the last rescore; null before the first"),
});

const WaitingQuery = z.object({
  limit: z.coerce.number().int().min(0).max(100_000).optional().describe('the N oldest waits only; X-Total-Count says how many there are'),
});

export function healthRoutes(app: ApiApp, deps: RouteDeps) {
  const db = deps.db.kysely;

  app.get('/contacts/:contactId/health', {
    config: { access: 'viewer', cache: true },
    schema: { tags: ['health'], summary: 'Attentiveness metrics and health with its factors, computed now', params: IdParam('contactId'), response: { 200: ContactHealthSchema, ...problems } },
  }, async (request) => getContactHealth(db, callerOf(request).workspace, request.params.contactId as string, deps.now()));

  app.get('/waiting', {
    config: { access: 'viewer', cache: true },
    schema: { tags: ['health'], summary: 'Open waits, oldest first', querystring: WaitingQuery, response: { 200: z.array(WaitingRowSchema), ...problems } },
  }, async (request, reply) => {
    const { total, waits } = await listWaitingPage(db, callerOf(request).workspace, deps.now(), request.query.limit);
    reply.header('x-total-count', String(total));
    return waits;
  });
}
