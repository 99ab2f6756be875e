/**
 * Writes the audit entry of every successful write whose route declares `config.audit`.
 * Runs in onSend (before the reply leaves), so an entry exists when the client sees success.
 * Changes are the names of the fields sent, never their values (they may be secrets).
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import { recordAudit } from './audit.service.js';

function idFromPayload(payload: unknown): string | null {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return null;
  const match = /^\{"id":"([^"]{1,200})"/.exec(payload) ?? /"id":"([^"]{1,200})"/.exec(payload.slice(0, 2000));
  return match?.[1] ?? null;
}

export function registerAuditHook(app: FastifyInstance, db: Db, now: () => number) {
  app.addHook('onSend', async (request, reply, payload) => {
    const audit = request.routeOptions.config.audit;
    const caller = request.caller;
    if (!audit || reply.statusCode >= 400 || !caller?.workspace) return payload;
    const params = (request.params ?? {}) as Record<string, string>;
    const body = request.body;
    await recordAudit(
      db.kysely,
      {
        workspaceId: caller.workspace.id,
        actor: caller.via === 'token'
          ? { type: 'token', id: caller.tokenId, label: null }
          : { type: 'user', id: caller.user?.id ?? null, label: caller.user?.email ?? null },
        action: audit.action,
        target: { type: audit.target, id: (audit.param ? params[audit.param] : undefined) ?? idFromPayload(payload) },
        changes: body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [],
        ip: request.ip,
      },
      now(),
    );
    return payload;
  });
}
