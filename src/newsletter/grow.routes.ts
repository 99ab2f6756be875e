/** The funnel report and drip sequences under /newsletter. Thin: each handler calls one service. */
import { callerOf } from '../http/auth.js';
import { problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { getFunnel } from './funnel.service.js';
import { FunnelQuerySchema, FunnelSchema } from './grow.schema.js';

export function newsletterGrowRoutes(app: ApiApp, deps: RouteDeps) {
  app.get('/newsletter/funnel', {
    config: { access: 'viewer' },
    schema: {
      tags: ['newsletter'],
      summary: 'Subscribers → engaged (opened or clicked in 90 days) → replied → client, per list and per month of subscription',
      querystring: FunnelQuerySchema,
      response: { 200: FunnelSchema, ...problems },
    },
  }, async (request) => getFunnel(deps.db, callerOf(request).workspace, deps.now(), request.query.list));
}
