/** Members of the workspace and invitations. Admins manage them; everyone can see who is in. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { mailInvitation } from '../mail/invitation-mail.js';
import { InvitationMailSchema } from '../mail/mail.schema.js';
import { InvitationInputSchema, InvitationSchema, MemberPatchSchema, MemberSchema } from './auth.schema.js';
import { changeMemberRole, createInvitation, listInvitations, listMembers, removeMember, revokeInvitation } from './members.service.js';

export function membersRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['members'];
  const db = deps.db.kysely;

  app.get('/members', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Members of the workspace', response: { 200: z.array(MemberSchema), ...problems } },
  }, async (request) => listMembers(db, callerOf(request).workspace));

  app.patch('/members/:userId', {
    config: { access: 'admin', audit: { action: 'member.update', target: 'user', param: 'userId' } },
    schema: { tags, summary: "Change a member's role", params: IdParam('userId'), body: MemberPatchSchema, response: { 200: MemberSchema, ...problems } },
  }, async (request) => {
    const caller = callerOf(request);
    return changeMemberRole(db, caller.workspace, request.params.userId as string, request.body, caller.role);
  });

  app.delete('/members/:userId', {
    config: { access: 'admin', audit: { action: 'member.remove', target: 'user', param: 'userId' } },
    schema: { tags, summary: 'Remove a member', params: IdParam('userId'), response: { 200: MemberSchema, ...problems } },
  }, async (request) => {
    const caller = callerOf(request);
    return removeMember(db, caller.workspace, request.params.userId as string, caller.role);
  });

  app.get('/invitations', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Invitations of the workspace', response: { 200: z.array(InvitationSchema), ...problems } },
  }, async (request) => listInvitations(db, callerOf(request).workspace));

  app.post('/invitations', {
    config: { access: 'admin', audit: { action: 'invitation.create', target: 'invitation' } },
    schema: {
      tags,
      summary: "Invite someone; the token in the answer is shown once. With a mail account, it is mailed to the invitee",
      body: InvitationInputSchema,
      response: { 201: InvitationSchema.extend(InvitationMailSchema.shape), ...problems },
    },
  }, async (request, reply) => {
    const caller = callerOf(request);
    const invitation = await createInvitation(db, caller.workspace, request.body, { userId: caller.actorUserId, role: caller.role }, deps.now());
    const mail = await mailInvitation(deps.db, caller.workspace, deps.mailKey, invitation, `${request.protocol}://${request.host}`, deps.now());
    return reply.code(201).send({ ...invitation, ...mail });
  });

  app.delete('/invitations/:invitationId', {
    config: { access: 'admin', audit: { action: 'invitation.revoke', target: 'invitation', param: 'invitationId' } },
    schema: { tags, summary: 'Revoke an invitation', params: IdParam('invitationId'), response: { 200: InvitationSchema, ...problems } },
  }, async (request) => revokeInvitation(db, callerOf(request).workspace, request.params.invitationId as string, deps.now()));
}
