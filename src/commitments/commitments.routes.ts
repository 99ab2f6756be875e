/** Commitments: promises with a due time. Due times are ISO 8601 in the API. */
import { z } from 'zod';
import { callerOf, type WorkspaceCaller } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { InstantText, parseInstant } from '../shared/time.js';
import { emitEvent } from '../webhooks/webhooks.service.js';
import { COMMITMENT_STATUSES, CommitmentInputSchema, CommitmentPatchSchema, type Commitment } from './commitments.schema.js';
import { addCommitment, completeCommitment, deleteCommitment, editCommitment, listCommitments } from './commitments.service.js';

export const CommitmentSchema: z.ZodType<Commitment> = z.object({
  id: z.string(),
  contact_id: z.string(),
  text: z.string(),
  due: z.string(),
  status: z.enum(COMMITMENT_STATUSES),
  done_at: z.string().nullable(),
  interaction_id: z.string().nullable(),
  on_time: z.boolean().nullable(),
  created_at: z.string(),
});

const Due = InstantText;
const CreateBody = CommitmentInputSchema.extend({ contact: z.string().min(1).max(320).describe('contact id or address'), due_at: Due });
const PatchBody = CommitmentPatchSchema.extend({ due_at: Due.optional() });
const Param = IdParam('commitmentId');

function dueOf(value: string, caller: WorkspaceCaller): number {
  return parseInstant(value, 'due_at', caller.workspace.settings.time_zone);
}

export function commitmentsRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['commitments'];
  const db = deps.db.kysely;

  app.get('/commitments', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Commitments, soonest due first', querystring: z.object({ contact: z.string().max(320).optional(), status: z.enum(COMMITMENT_STATUSES).optional() }), response: { 200: z.array(CommitmentSchema), ...problems } },
  }, async (request) => listCommitments(db, callerOf(request).workspace, request.query));

  app.post('/commitments', {
    config: { access: 'member', audit: { action: 'commitment.create', target: 'commitment' } },
    schema: { tags, summary: 'Record a promise made to a contact', body: CreateBody, response: { 201: CommitmentSchema, ...problems } },
  }, async (request, reply) => {
    const caller = callerOf(request);
    const { contact, due_at, ...rest } = request.body;
    const created = await addCommitment(db, caller.workspace, contact, { ...rest, due_at: dueOf(due_at, caller) }, deps.now());
    await emitEvent(db, caller.workspace.id, 'commitment.created', created, deps.now());
    return reply.code(201).send(created);
  });

  app.patch('/commitments/:commitmentId', {
    config: { access: 'member', audit: { action: 'commitment.update', target: 'commitment', param: 'commitmentId' } },
    schema: { tags, summary: 'Edit a commitment', params: Param, body: PatchBody, response: { 200: CommitmentSchema, ...problems } },
  }, async (request) => {
    const caller = callerOf(request);
    const { due_at, ...rest } = request.body;
    return editCommitment(db, caller.workspace, request.params.commitmentId as string, { ...rest, ...(due_at === undefined ? {} : { due_at: dueOf(due_at, caller) }) });
  });

  app.post('/commitments/:commitmentId/done', {
    config: { access: 'member', audit: { action: 'commitment.done', target: 'commitment', param: 'commitmentId' } },
    schema: { tags, summary: 'Mark met, optionally by an interaction (heroics when in time)', params: Param, body: z.strictObject({ interaction_id: z.string().max(200).optional() }).optional(), response: { 200: CommitmentSchema, ...problems } },
  }, async (request) => completeCommitment(db, callerOf(request).workspace, request.params.commitmentId as string, deps.now(), { interactionId: request.body?.interaction_id }));

  app.delete('/commitments/:commitmentId', {
    config: { access: 'member', audit: { action: 'commitment.delete', target: 'commitment', param: 'commitmentId' } },
    schema: { tags, summary: 'Delete a commitment', params: Param, response: { 200: CommitmentSchema, ...problems } },
  }, async (request) => deleteCommitment(db, callerOf(request).workspace, request.params.commitmentId as string));
}
