/** API tokens of the workspace: created (secret shown once), listed, revoked. */
import { z } from 'zod';
import { callerOf, type WorkspaceCaller } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { ApiTokenSchema, TokenInputSchema } from './auth.schema.js';
import { createToken, listTokens, revokeToken } from './tokens.service.js';

/** A token acts for the user who created it. */
function actorOf(caller: WorkspaceCaller) {
  return { userId: caller.actorUserId, role: caller.role };
}

export function tokensRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['tokens'];
  const db = deps.db.kysely;

  app.get('/tokens', {
    config: { access: 'member' },
    schema: { tags, summary: 'API tokens (never their secrets): admins see all, members their own', response: { 200: z.array(ApiTokenSchema), ...problems } },
  }, async (request) => {
    const caller = callerOf(request);
    return listTokens(db, caller.workspace, actorOf(caller));
  });

  app.post('/tokens', {
    config: { access: 'member', audit: { action: 'token.create', target: 'token' } },
    schema: { tags, summary: 'Create a token; its secret is in this answer only', body: TokenInputSchema, response: { 201: ApiTokenSchema, ...problems } },
  }, async (request, reply) => {
    const caller = callerOf(request);
    return reply.code(201).send(await createToken(db, caller.workspace, request.body, actorOf(caller), deps.now()));
  });

  app.delete('/tokens/:tokenId', {
    config: { access: 'member', audit: { action: 'token.revoke', target: 'token', param: 'tokenId' } },
    schema: { tags, summary: 'Revoke a token (members: their own; admins: any)', params: IdParam('tokenId'), response: { 200: ApiTokenSchema, ...problems } },
  }, async (request) => {
    const caller = callerOf(request);
    return revokeToken(db, caller.workspace, request.params.tokenId as string, deps.now(), actorOf(caller));
  });
}
