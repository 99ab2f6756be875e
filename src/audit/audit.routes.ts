/** The audit log of the workspace, newest first (admins). */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { decodeCursor, encodeCursor, PageQuerySchema, sendPage } from '../http/pagination.js';
import { problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { AuditEntrySchema, listAudit } from './audit.service.js';

const Query = PageQuerySchema.extend({ target_id: z.string().max(200).optional(), action: z.string().max(100).optional() });

export function auditRoutes(app: ApiApp, deps: RouteDeps) {
  app.get('/audit', {
    config: { access: 'admin' },
    schema: { tags: ['audit'], summary: 'Who changed what, newest first', querystring: Query, response: { 200: z.array(AuditEntrySchema), ...problems } },
  }, async (request, reply) => {
    const { limit, cursor, ...filters } = request.query;
    const before = cursor ? decodeCursor(cursor) : undefined;
    const entries = await listAudit(deps.db.kysely, callerOf(request).workspace.id, { ...filters, limit: limit + 1, before });
    const items = entries.slice(0, limit);
    return sendPage(request, reply, { items, next: entries.length > limit ? encodeCursor(items[items.length - 1]!.id) : null });
  });
}
