/** Contacts: list (filtered, cursor-paged), create, read (with ETag), edit (409 when stale), timeline. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { decodeCursor, encodeCursor, etagOf, PageQuerySchema, sendPage, versionFromIfMatch } from '../http/pagination.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { listTimeline } from '../interactions/interactions.service.js';
import { InstantText, parseInstant } from '../shared/time.js';
import { emitEvent } from '../webhooks/webhooks.service.js';
import { CONTACT_KINDS, CONTACT_PAGE_MAX, CONTACT_SORTS, ContactInputSchema, ContactPatchSchema, STAGES, STATUSES } from './contacts.schema.js';
import { RowVersion } from '../shared/limits.js';
import { ContactSchema, InteractionSchema } from './contacts.openapi.js';
import { createContact, editContact, findContactOrThrow, listContactsPage, resolveContactId } from './contacts.service.js';

const ListQuery = PageQuerySchema.extend({
  limit: z.coerce.number().int().min(1).max(CONTACT_PAGE_MAX).default(100),
  status: z.enum(STATUSES).optional(),
  stage: z.enum(STAGES).optional(),
  kind: z.enum(CONTACT_KINDS).optional(),
  tag: z.string().max(64).optional(),
  owner_id: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(CONTACT_SORTS).optional(),
});
const PatchBody = ContactPatchSchema.extend({ version: RowVersion.optional().describe('the version edited (or send If-Match)') });
const TimelineQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), before: InstantText.optional() });
const ContactParam = IdParam('contactId');

export function contactsRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['contacts'];
  const db = deps.db.kysely;

  app.get('/contacts', {
    config: { access: 'viewer', cache: true },
    schema: { tags, summary: 'Contacts, filtered and sorted; next page in the Link header', querystring: ListQuery, response: { 200: z.array(ContactSchema), ...problems } },
  }, async (request, reply) => {
    const { limit, cursor, ...filters } = request.query;
    const page = await listContactsPage(db, callerOf(request).workspace, filters, { limit, afterId: cursor ? decodeCursor(cursor) : undefined }, deps.now());
    const last = page.items[page.items.length - 1];
    return sendPage(request, reply, { items: page.items, next: page.hasMore && last ? encodeCursor(last.id) : null });
  });

  app.post('/contacts', {
    config: { access: 'member', audit: { action: 'contact.create', target: 'contact' } },
    schema: { tags, summary: 'Create a contact', body: ContactInputSchema, response: { 201: ContactSchema, ...problems } },
  }, async (request, reply) => {
    const { workspace } = callerOf(request);
    const contact = await createContact(db, workspace, request.body, deps.now());
    await emitEvent(db, workspace.id, 'contact.created', contact, deps.now());
    return reply.code(201).header('etag', etagOf(contact.version)).send(contact);
  });

  app.get('/contacts/:contactId', {
    config: { access: 'viewer', cache: true },
    schema: { tags, summary: 'A contact by id or address (ETag = version)', params: ContactParam, response: { 200: ContactSchema, ...problems } },
  }, async (request, reply) => {
    const contact = await findContactOrThrow(db, callerOf(request).workspace, request.params.contactId as string, deps.now());
    reply.header('etag', etagOf(contact.version));
    return contact;
  });

  app.patch('/contacts/:contactId', {
    config: { access: 'member', audit: { action: 'contact.update', target: 'contact', param: 'contactId' } },
    schema: { tags, summary: 'Edit a contact; a stale If-Match or version answers 409', params: ContactParam, body: PatchBody, response: { 200: ContactSchema, ...problems } },
  }, async (request, reply) => {
    const { workspace } = callerOf(request);
    const { version, ...patch } = request.body;
    const contact = await editContact(db, workspace, request.params.contactId as string, patch, deps.now(), versionFromIfMatch(request) ?? version);
    await emitEvent(db, workspace.id, 'contact.updated', contact, deps.now());
    reply.header('etag', etagOf(contact.version));
    return contact;
  });

  app.get('/contacts/:contactId/timeline', {
    config: { access: 'viewer' },
    schema: { tags, summary: "A contact's interactions, newest first; page with ?before=<at of the last>", params: ContactParam, querystring: TimelineQuery, response: { 200: z.array(InteractionSchema), ...problems } },
  }, async (request) => {
    const { workspace } = callerOf(request);
    const id = await resolveContactId(db, workspace, request.params.contactId as string);
    const before = request.query.before ? parseInstant(request.query.before, 'query.before') : undefined;
    return listTimeline(db, workspace, id, request.query.limit, before);
  });
}
