/** Reports and a contact's health trend. Both are reads of stored data, cached briefly. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { HealthPointSchema, ReportsSchema } from './reports.schema.js';
import { getHealthHistory, getReports } from './reports.service.js';

export function reportsRoutes(app: ApiApp, deps: RouteDeps) {
  app.get('/reports', {
    config: { access: 'viewer', cache: true },
    schema: { tags: ['reports'], summary: 'Responsiveness over time, attention kept after the honeymoon, statuses over time', response: { 200: ReportsSchema, ...problems } },
  }, async (request) => getReports(deps.db, callerOf(request).workspace, deps.now()));

  app.get('/contacts/:contactId/health/history', {
    config: { access: 'viewer', cache: true },
    schema: { tags: ['health'], summary: "The contact's daily health scores of the last year, oldest first", params: IdParam('contactId'), response: { 200: z.array(HealthPointSchema), ...problems } },
  }, async (request) => getHealthHistory(deps.db, callerOf(request).workspace, request.params.contactId as string, deps.now()));
}
