/** Reports and a contact's health trend. Both are reads of stored data, cached briefly. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { HealthPointSchema, ReportsSchema } from './reports.schema.js';
import { getAttentionRatios, getHealthHistory, getReports, getResponsiveness, getStatusesNow, getStatusSeries } from './reports.service.js';

export function reportsRoutes(app: ApiApp, deps: RouteDeps) {
  const read = { access: 'viewer', cache: true } as const;
  app.get('/reports', {
    config: read,
    schema: { tags: ['reports'], summary: 'Responsiveness over time, attention kept after the honeymoon, statuses over time', response: { 200: ReportsSchema, ...problems } },
  }, async (request) => getReports(deps.db, callerOf(request).workspace, deps.now()));
  // Each part of the report on its own, so a page can draw each chart as soon as its data is in.
  app.get('/reports/statuses-now', {
    config: read,
    schema: { tags: ['reports'], summary: 'Contacts by their current health status (the statuses_now part of the report)', response: { 200: ReportsSchema.pick({ statuses_now: true }), ...problems } },
  }, async (request) => ({ statuses_now: await getStatusesNow(deps.db, callerOf(request).workspace) }));
  app.get('/reports/responsiveness', {
    config: read,
    schema: { tags: ['reports'], summary: 'Median time to reply per week (the responsiveness part of the report)', response: { 200: ReportsSchema.pick({ responsiveness: true }), ...problems } },
  }, async (request) => ({ responsiveness: await getResponsiveness(deps.db, callerOf(request).workspace, deps.now()) }));
  app.get('/reports/attention', {
    config: read,
    schema: { tags: ['reports'], summary: 'Contacts past their honeymoon by attention kept (the attention_ratios part of the report)', response: { 200: ReportsSchema.pick({ attention_ratios: true }), ...problems } },
  }, async (request) => ({ attention_ratios: await getAttentionRatios(deps.db, callerOf(request).workspace) }));
  app.get('/reports/statuses', {
    config: read,
    schema: { tags: ['reports'], summary: 'Contacts by health status per day (the statuses part of the report)', response: { 200: ReportsSchema.pick({ statuses: true }), ...problems } },
  }, async (request) => ({ statuses: await getStatusSeries(deps.db, callerOf(request).workspace, deps.now()) }));
  app.get('/contacts/:contactId/health/history', {
    config: read,
    schema: { tags: ['health'], summary: "The contact's daily health scores of the last year, oldest first", params: IdParam('contactId'), response: { 200: z.array(HealthPointSchema), ...problems } },
  }, async (request) => getHealthHistory(deps.db, callerOf(request).workspace, request.params.contactId as string, deps.now()));
}
