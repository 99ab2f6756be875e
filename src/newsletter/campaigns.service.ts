/**
 * Campaigns: written in Markdown with front matter, sent to a list's segment, optionally at a
 * scheduled time in the workspace's zone. A scheduled send that would start more than
 * `late_limit_hours` late refuses (a Monday note arriving on Thursday does more harm than
 * good); previews render the copy one subscriber (or a sample) would get.
 */
import type { Kysely, Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { listAccountRows } from '../mail/mail.repo.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { HOUR_MS, parseInstant, toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { campaignLinks, checkMergeFields, compileCampaign, parseFrontMatter } from './campaign-render.js';
import { renderFor, type MessageContext } from './campaign-message.js';
import { countCampaignRows, findCampaignRow, insertCampaignRow, listCampaignRows, updateCampaignRow, updateCampaignRowIf, type CampaignRow } from './campaigns.repo.js';
import { tokenSecretOf } from './newsletter-keys.js';
import { CampaignInputSchema, SegmentSchema, type Campaign, type CampaignInput, type Preview, type Segment } from './newsletter.schema.js';
import { mergeDataOf, resolveRecipients } from './segments.js';
import { findListRowOrThrow } from './subscribers.service.js';
import { findSubscriberRowByEmail, findSubscriberRowById } from './subscribers.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

export function segmentOf(row: CampaignRow): Segment | null {
  return row.segment ? SegmentSchema.parse(readJson(row.segment, {})) : null;
}

export function campaignRowToCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    list_id: row.list_id,
    subject: row.subject,
    preheader: row.preheader,
    body_md: row.body_md,
    segment: segmentOf(row),
    tracking: row.tracking === 1,
    status: row.status,
    scheduled_at: toIsoOrNull(row.scheduled_at),
    late_limit_hours: row.late_limit_hours,
    links: campaignLinks(row),
    created_at: toIso(row.created_at),
    started_at: toIsoOrNull(row.started_at),
    finished_at: toIsoOrNull(row.finished_at),
    missed_at: toIsoOrNull(row.missed_at),
    missed_reason: row.missed_reason,
  };
}

/**
 * Creates a draft campaign from an issue in Markdown with front matter (subject, preheader).
 * @throws validation (front matter, unknown merge field, segment), not_found (list)
 */
export async function createCampaign(db: Db, ws: Workspace, input: CampaignInput, now: number, options: { file?: string; createdBy?: string | null; ids?: IdGenerator } = {}): Promise<Campaign> {
  const data = parseOrThrow(CampaignInputSchema, input, 'campaign');
  const list = await findListRowOrThrow(db, ws, data.list);
  const file = options.file ?? 'markdown';
  const issue = parseFrontMatter(data.markdown, file);
  checkMergeFields(issue.subject, `${file}: subject`);
  checkMergeFields(issue.preheader, `${file}: preheader`);
  checkMergeFields(issue.body, file);
  const segment = data.segment && Object.keys(data.segment).length > 0 ? data.segment : null;
  const row: CampaignRow = {
    workspace_id: ws.id,
    id: (options.ids ?? newId)('nc'),
    list_id: list.id,
    subject: issue.subject,
    preheader: issue.preheader,
    body_md: issue.body,
    segment: segment ? JSON.stringify(segment) : null,
    tracking: data.tracking ? 1 : 0,
    status: 'draft',
    scheduled_at: null,
    late_limit_hours: data.late_limit_hours,
    created_by: options.createdBy ?? null,
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
    missed_at: null,
    missed_reason: null,
  };
  await insertCampaignRow(db, row);
  return campaignRowToCampaign(row);
}

/** @throws not_found */
export async function findCampaignRowOrThrow(db: Db, ws: Workspace, id: string): Promise<CampaignRow> {
  const row = await findCampaignRow(db, ws.id, id);
  if (!row) throw new NotFoundError('campaign', id);
  return row;
}

/** @throws not_found */
export async function findCampaignOrThrow(db: Db, ws: Workspace, id: string): Promise<Campaign> {
  return campaignRowToCampaign(await findCampaignRowOrThrow(db, ws, id));
}

/** One page of campaigns, newest first; `total` counts them all. */
export async function listCampaigns(db: Db, ws: Workspace, page: { before?: string; limit: number }): Promise<{ items: Campaign[]; next: string | null; total: number }> {
  const [rows, total] = await Promise.all([listCampaignRows(db, ws.id, { beforeId: page.before, limit: page.limit + 1 }), countCampaignRows(db, ws.id)]);
  const items = rows.slice(0, page.limit).map(campaignRowToCampaign);
  return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null, total };
}

const RESCHEDULABLE: readonly string[] = ['draft', 'scheduled', 'missed'];

/**
 * Schedules a draft (or a missed campaign) for a time (ISO 8601, read in the workspace's zone
 * without an offset), or takes it back to draft with `at` null.
 * @throws not_found, validation (time), conflict (already sending or sent)
 */
export async function scheduleCampaign(db: Db, ws: Workspace, id: string, at: string | null, now: number): Promise<Campaign> {
  const row = await findCampaignRowOrThrow(db, ws, id);
  if (!RESCHEDULABLE.includes(row.status)) throw new ConflictError(`campaign ${id} is ${row.status}: it can no longer be scheduled`);
  const scheduledAt = at === null ? null : parseInstant(at, 'at', ws.settings.time_zone);
  const values = { status: scheduledAt === null ? 'draft' : 'scheduled', scheduled_at: scheduledAt, missed_at: null, missed_reason: null, updated_at: now } as const;
  await updateCampaignRow(db, ws.id, id, values);
  return campaignRowToCampaign({ ...row, ...values });
}

/**
 * "Send now" on a missed campaign: it goes back to draft (its old time and the missed note
 * cleared), from where the send starts like any other. Anything else is left as it is.
 * @throws not_found
 */
export async function reopenMissedCampaign(db: Db, ws: Workspace, id: string, now: number): Promise<void> {
  const row = await findCampaignRowOrThrow(db, ws, id);
  if (row.status !== 'missed') return;
  await updateCampaignRowIf(db, ws.id, id, { status: 'missed' }, { status: 'draft', scheduled_at: null, missed_at: null, missed_reason: null, updated_at: now });
}

/** How late a scheduled campaign would start now, in words; null when within its limit. */
function lateness(row: CampaignRow, zone: string, now: number): string | null {
  if (row.status !== 'scheduled' || row.scheduled_at === null) return null;
  const late = now - row.scheduled_at;
  if (late <= row.late_limit_hours * HOUR_MS) return null;
  const when = DateTime.fromMillis(row.scheduled_at, { zone }).toFormat("yyyy-MM-dd HH:mm '('z')'");
  return `scheduled for ${when} and would start ${(late / HOUR_MS).toFixed(1)} h late, more than its limit of ${row.late_limit_hours} h`;
}

/**
 * The late guard: a scheduled campaign whose send would start more than its limit after its
 * time refuses to start. A send already under way is resumed whatever the hour.
 * @throws conflict naming the scheduled time in the workspace's zone and how late it is
 */
export function assertNotLate(row: CampaignRow, zone: string, now: number): void {
  const late = lateness(row, zone, now);
  if (late === null) return;
  throw new ConflictError(`campaign ${row.id} was ${late}: send it now or schedule it again (or take it back to draft) to send it`);
}

/**
 * Marks a scheduled campaign past its late limit `missed`, with when and why, so that lists,
 * stats and the page say so; a campaign rescheduled meanwhile is left alone. Returns whether
 * it was marked.
 */
export async function markCampaignMissed(db: Db, row: CampaignRow, zone: string, now: number): Promise<boolean> {
  const late = lateness(row, zone, now);
  if (late === null) return false;
  return updateCampaignRowIf(db, row.workspace_id, row.id, { status: 'scheduled', scheduledAt: row.scheduled_at }, { status: 'missed', missed_at: now, missed_reason: `not started: it was ${late}`, updated_at: now });
}

/** Where the campaign's mail comes from: the list's sender, else the first mail account, else the first own address. */
export async function senderOf(db: Db, ws: Workspace, list: { from_address: string | null; from_name: string | null }): Promise<{ address: string; name: string | null }> {
  const account = list.from_address ? null : (await listAccountRows(db, ws.id))[0];
  const address = list.from_address ?? account?.address ?? ws.settings.own_addresses[0];
  if (!address) {
    throw new ValidationError('from: the list has no sender address and the workspace no mail account or own address: set the list’s from_address', [{ where: 'list.from_address', reason: 'none' }]);
  }
  return { address, name: list.from_name ?? ws.name };
}

/** Everything a copy of this campaign needs besides its recipient. */
export async function messageContextOf(db: Db, ws: Workspace, row: CampaignRow, publicUrl: string, now: number): Promise<MessageContext> {
  const list = await findListRowOrThrow(db, ws, row.list_id);
  const from = await senderOf(db, ws, list);
  return {
    workspaceId: ws.id,
    campaignId: row.id,
    listId: list.id,
    listName: list.name,
    tracking: row.tracking === 1,
    compiled: compileCampaign(row),
    publicUrl,
    secret: await tokenSecretOf(db, ws.id, now),
    fromAddress: from.address,
    fromName: from.name,
  };
}

const SAMPLE = { id: 'ns_sample', email: 'ada@example.com', name: 'Ada Lovelace' };

/**
 * The copy one subscriber (id or address on the campaign's list) would get, or the first
 * recipient's, or a sample's when the segment is empty; untracked (direct links, no open pixel).
 * The unsubscribe link uses the public URL when set.
 * @throws not_found (campaign, subscriber)
 */
export async function previewCampaign(db: Db, ws: Workspace, id: string, subscriberRef: string | undefined, now: number): Promise<Preview> {
  const row = await findCampaignRowOrThrow(db, ws, id);
  const recipients = await resolveRecipients(db, ws.id, row.list_id, segmentOf(row), now);
  let target: { subscriberId: string; email: string; data: ReturnType<typeof mergeDataOf> };
  if (subscriberRef) {
    const sub = (await findSubscriberRowById(db, ws.id, subscriberRef)) ?? (await findSubscriberRowByEmail(db, ws.id, row.list_id, subscriberRef.trim().toLowerCase()));
    if (!sub || sub.list_id !== row.list_id) throw new NotFoundError('subscriber of the campaign’s list', subscriberRef);
    target = recipients.find((r) => r.subscriberId === sub.id) ?? { subscriberId: sub.id, email: sub.email, data: mergeDataOf(sub, undefined) };
  } else {
    target = recipients[0] ?? { subscriberId: SAMPLE.id, email: SAMPLE.email, data: mergeDataOf(SAMPLE, undefined) };
  }
  const ctx = await messageContextOf(db, ws, row, ws.settings.public_url ?? 'https://public-url-not-set.invalid', now);
  // No open pixel or click redirects: a preview shown in the app must count as no one's open or click.
  const copy = renderFor({ ...ctx, tracking: false }, target.subscriberId, target.data);
  return { to: target.email, subject: copy.subject, html: copy.html, text: copy.text, recipients: recipients.length };
}
