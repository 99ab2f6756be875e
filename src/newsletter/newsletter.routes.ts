/**
 * /newsletter/…: lists, subscribers, imports, campaigns with preview, test send, send and
 * stats. Thin: each handler calls one service. A send is started here (its ledger written and
 * every refusal answered at once) and then runs in the background; stats show its progress.
 */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { decodeCursor, encodeCursor, PageQuerySchema, sendPage } from '../http/pagination.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { campaignStatsWithState, listUncertainRecipients } from './campaign-state.js';
import { createCampaign, findCampaignOrThrow, listCampaigns, previewCampaign, reopenMissedCampaign, scheduleCampaign } from './campaigns.service.js';
import {
  CampaignInputSchema,
  CampaignStatsSchema,
  CampaignSchema,
  ImportResultSchema,
  ListInputSchema,
  ListSchema,
  PreviewSchema,
  SUBSCRIBER_STATUSES,
  SubscribeInputSchema,
  SubscriberSchema,
  UncertainRecipientSchema,
} from './newsletter.schema.js';
import { releaseUncertain, runCampaignSend, startCampaignSend, testSendCampaign } from './sender.js';
import { smtpTargetFromAccount } from './smtp-target.js';
import { importSubscribers } from './subscriber-import.js';
import { changeSubscriberStatus, createList, findListOrThrow, findListRowOrThrow, listLists, listSubscribers, subscribe } from './subscribers.service.js';

const ListParam = IdParam('listId');
const CampaignParam = IdParam('campaignId');
const SubscriberParams = z.object({ listId: z.string().min(1).max(200), subscriberId: z.string().min(1).max(200) });
const SubscriberQuery = PageQuerySchema.extend({
  status: z.enum(SUBSCRIBER_STATUSES).optional(),
  email: z.string().max(320).optional().describe('only addresses containing this text'),
});
/**
 * The preview's own policy: https and inline images, inline styles, nothing else (no script,
 * no form, no frame, no plug-in), and sandboxed even when opened on its own. The app's policy
 * stays as strict as it is.
 */
const PREVIEW_CSP = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; font-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox";
const ImportBody = z.strictObject({ csv: z.string().max(20_000_000).describe('CSV text, columns email[,name]'), confirmed: z.boolean().default(false) });
const StatusBody = z.strictObject({ status: z.enum(['confirmed', 'unsubscribed']).describe('confirmed: consent given elsewhere') });
const ScheduleBody = z.strictObject({ at: z.string().max(60).nullable().describe('ISO 8601, in the workspace’s zone without an offset; null: back to draft') });
const AccountField = z.string().max(200).optional().describe('mail account (id or name) to send through; default the first');
const TestSendBody = z.strictObject({ to: z.string().max(320), account: AccountField });
const SendBody = z.strictObject({
  account: AccountField,
  rate: z.number().int().min(0).max(10_000).default(20).describe('messages per second at most; 0: no limit'),
  concurrency: z.number().int().min(1).max(32).default(4),
});
const ReleaseBody = z.strictObject({
  emails: z.array(z.string().max(320)).max(10_000).nullable().default(null).describe('only these addresses; null: every uncertain one'),
  as_sent: z.boolean().default(false).describe('record that they did get it instead of resending'),
});

export function newsletterRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['newsletter'];
  const db = deps.db.kysely;

  app.get('/newsletter/lists', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Lists with their subscribers by status', response: { 200: z.array(ListSchema), ...problems } },
  }, async (request) => listLists(db, callerOf(request).workspace));

  app.post('/newsletter/lists', {
    config: { access: 'admin', audit: { action: 'newsletter_list.create', target: 'newsletter_list' } },
    schema: { tags, summary: 'Create a list', body: ListInputSchema, response: { 201: ListSchema, ...problems } },
  }, async (request, reply) => reply.code(201).send(await createList(db, callerOf(request).workspace, request.body, deps.now())));

  app.get('/newsletter/lists/:listId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'A list', params: ListParam, response: { 200: ListSchema, ...problems } },
  }, async (request) => findListOrThrow(db, callerOf(request).workspace, request.params.listId as string));

  app.get('/newsletter/lists/:listId/subscribers', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'A list’s subscribers, optionally of one status or matching an address; X-Total-Count counts every match',
      params: ListParam,
      querystring: SubscriberQuery,
      response: { 200: z.array(SubscriberSchema), ...problems },
    },
  }, async (request, reply) => {
    const { limit, cursor, status, email } = request.query;
    const page = await listSubscribers(db, callerOf(request).workspace, request.params.listId as string, { status, email, limit, after: cursor ? decodeCursor(cursor) : undefined });
    reply.header('x-total-count', String(page.total));
    return sendPage(request, reply, { items: page.items, next: page.next ? encodeCursor(page.next) : null });
  });

  app.post('/newsletter/lists/:listId/subscribers', {
    config: { access: 'member', audit: { action: 'newsletter_subscriber.create', target: 'newsletter_list', param: 'listId' } },
    schema: { tags, summary: 'Subscribe an address (unconfirmed unless consent was given elsewhere)', params: ListParam, body: SubscribeInputSchema, response: { 201: SubscriberSchema, ...problems } },
  }, async (request, reply) => reply.code(201).send(await subscribe(db, callerOf(request).workspace, request.params.listId as string, request.body, 'api', deps.now())));

  app.patch('/newsletter/lists/:listId/subscribers/:subscriberId', {
    config: { access: 'member', audit: { action: 'newsletter_subscriber.status', target: 'newsletter_list', param: 'listId' } },
    schema: { tags, summary: 'Unsubscribe or confirm a subscriber', params: SubscriberParams, body: StatusBody, response: { 200: SubscriberSchema, ...problems } },
  }, async (request) => {
    const ws = callerOf(request).workspace;
    const list = await findListRowOrThrow(db, ws, request.params.listId);
    return changeSubscriberStatus(db, ws, request.params.subscriberId, request.body.status, deps.now(), list.id);
  });

  app.post('/newsletter/lists/:listId/imports', {
    config: { access: 'admin', audit: { action: 'newsletter_subscriber.import', target: 'newsletter_list', param: 'listId' } },
    schema: { tags, summary: 'Import subscribers from CSV, all or nothing', params: ListParam, body: ImportBody, response: { 200: ImportResultSchema, ...problems } },
  }, async (request) => importSubscribers(deps.db, callerOf(request).workspace, request.params.listId as string, request.body.csv, { confirmed: request.body.confirmed, file: 'csv' }, deps.now()));

  app.get('/newsletter/campaigns', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Campaigns, newest first; X-Total-Count counts them all', querystring: PageQuerySchema, response: { 200: z.array(CampaignSchema), ...problems } },
  }, async (request, reply) => {
    const { limit, cursor } = request.query;
    const page = await listCampaigns(db, callerOf(request).workspace, { limit, before: cursor ? decodeCursor(cursor) : undefined });
    reply.header('x-total-count', String(page.total));
    return sendPage(request, reply, { items: page.items, next: page.next ? encodeCursor(page.next) : null });
  });

  app.post('/newsletter/campaigns', {
    config: { access: 'member', audit: { action: 'newsletter_campaign.create', target: 'newsletter_campaign' } },
    schema: { tags, summary: 'Create a draft from Markdown with front matter', body: CampaignInputSchema, response: { 201: CampaignSchema, ...problems } },
  }, async (request, reply) => {
    const caller = callerOf(request);
    return reply.code(201).send(await createCampaign(db, caller.workspace, request.body, deps.now(), { createdBy: caller.actorUserId }));
  });

  app.get('/newsletter/campaigns/:campaignId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'A campaign', params: CampaignParam, response: { 200: CampaignSchema, ...problems } },
  }, async (request) => findCampaignOrThrow(db, callerOf(request).workspace, request.params.campaignId as string));

  app.get('/newsletter/campaigns/:campaignId/preview', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'The copy a subscriber (or a sample) would get', params: CampaignParam, querystring: z.object({ subscriber: z.string().max(320).optional() }), response: { 200: PreviewSchema, ...problems } },
  }, async (request) => previewCampaign(db, callerOf(request).workspace, request.params.campaignId as string, request.query.subscriber, deps.now()));

  app.get('/newsletter/campaigns/:campaignId/preview.html', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'The preview’s HTML as a page of its own, for a sandboxed frame: remote https images show, no script runs',
      params: CampaignParam,
      querystring: z.object({ subscriber: z.string().max(320).optional() }),
      response: { 200: z.string(), ...problems },
    },
  }, async (request, reply) => {
    const preview = await previewCampaign(db, callerOf(request).workspace, request.params.campaignId as string, request.query.subscriber, deps.now());
    // Origin-keying means nothing for a sandboxed page (its origin is opaque), and asking for it
    // in a frame of a page already keyed otherwise makes Chromium log a warning.
    reply.removeHeader('origin-agent-cluster');
    return reply.header('content-security-policy', PREVIEW_CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(preview.html);
  });

  app.post('/newsletter/campaigns/:campaignId/schedule', {
    config: { access: 'member', audit: { action: 'newsletter_campaign.schedule', target: 'newsletter_campaign', param: 'campaignId' } },
    schema: { tags, summary: 'Schedule the send, or take it back to draft', params: CampaignParam, body: ScheduleBody, response: { 200: CampaignSchema, ...problems } },
  }, async (request) => scheduleCampaign(db, callerOf(request).workspace, request.params.campaignId as string, request.body.at, deps.now()));

  app.post('/newsletter/campaigns/:campaignId/test-send', {
    config: { access: 'member', audit: { action: 'newsletter_campaign.test_send', target: 'newsletter_campaign', param: 'campaignId' } },
    schema: { tags, summary: 'Send one copy to yourself through a mail account', params: CampaignParam, body: TestSendBody, response: { 200: z.object({ to: z.string(), message_id: z.string() }), ...problems } },
  }, async (request) => {
    const ws = callerOf(request).workspace;
    const smtp = await smtpTargetFromAccount(deps.db, ws, deps.mailKey(), request.body.account);
    return testSendCampaign(deps.db, ws, request.params.campaignId as string, request.body.to, smtp, deps.now());
  });

  app.post('/newsletter/campaigns/:campaignId/send', {
    config: { access: 'admin', audit: { action: 'newsletter_campaign.send', target: 'newsletter_campaign', param: 'campaignId' } },
    schema: {
      tags,
      summary: 'Start sending through a mail account (a missed campaign: now); follow it with /stats',
      params: CampaignParam,
      body: SendBody,
      response: { 202: CampaignStatsSchema, ...problems },
    },
  }, async (request, reply) => {
    const ws = callerOf(request).workspace;
    const id = request.params.campaignId as string;
    const smtp = await smtpTargetFromAccount(deps.db, ws, deps.mailKey(), request.body.account);
    await reopenMissedCampaign(db, ws, id, deps.now());
    await startCampaignSend(deps.db, ws, id, deps.now());
    deps.background(runCampaignSend(deps.db, ws, id, { smtp, rate: request.body.rate, concurrency: request.body.concurrency }).catch((error) => request.log.error({ err: error }, 'campaign send stopped')));
    return reply.code(202).send(await campaignStatsWithState(deps.db, ws, id));
  });

  app.get('/newsletter/campaigns/:campaignId/stats', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Send progress and engagement, and why a missed campaign did not start', params: CampaignParam, response: { 200: CampaignStatsSchema, ...problems } },
  }, async (request) => campaignStatsWithState(deps.db, callerOf(request).workspace, request.params.campaignId as string));

  app.get('/newsletter/campaigns/:campaignId/uncertain', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Recipients the mail server may or may not have taken, with what the send saw', params: CampaignParam, response: { 200: z.array(UncertainRecipientSchema), ...problems } },
  }, async (request) => listUncertainRecipients(deps.db, callerOf(request).workspace, request.params.campaignId as string));

  app.post('/newsletter/campaigns/:campaignId/release', {
    config: { access: 'admin', audit: { action: 'newsletter_campaign.release', target: 'newsletter_campaign', param: 'campaignId' } },
    schema: { tags, summary: 'Settle uncertain recipients: resend them, or record them as sent', params: CampaignParam, body: ReleaseBody, response: { 200: z.object({ released: z.number().int() }), ...problems } },
  }, async (request) => releaseUncertain(deps.db, callerOf(request).workspace, request.params.campaignId as string, request.body.emails, { asSent: request.body.as_sent, now: deps.now() }));
}
