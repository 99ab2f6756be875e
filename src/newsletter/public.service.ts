/**
 * What the newsletter's public, unauthenticated endpoints do: unsubscribe and resubscribe by a
 * signed token, record opens and clicks, subscribe through a list's form with double opt-in,
 * and confirm. The workspace comes only from the token (its signature is checked with that
 * workspace's secret) or from the list's random form key; nothing else in a request selects one.
 * An invalid token of any kind answers null, whatever was wrong with it.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';
import { ConflictError } from '../errors.js';
import type { MailKey } from '../mail/secret-box.js';
import { sendNotice } from '../mail/send.service.js';
import { findWorkspaceByIdOrThrow } from '../workspaces/workspaces.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { campaignLinks } from './campaign-render.js';
import { findCampaignRow } from './campaigns.repo.js';
import { insertEvent, resetSoftBounces } from './inbound.repo.js';
import { publicUrlOrThrow } from './campaign-message.js';
import { confirmUrl, subscribeFormUrl } from './links.js';
import type { Subscriber } from './newsletter.schema.js';
import { tokenSecretOf, verifyPublicToken } from './newsletter-keys.js';
import { confirmationMail, subscribeSnippet } from './public-pages.js';
import { claimConfirmMail, findListRowByFormKey, releaseConfirmMail } from './public.repo.js';
import { findListRowById, findSubscriberRowById, updateSubscriberRow, type ListRow, type SubscriberRow } from './subscribers.repo.js';
import { changeSubscriberStatus, findListRowOrThrow, subscribe } from './subscribers.service.js';
import { signToken, type TokenKind, type TokenPayload } from './tokens.js';

/** How long a confirmation link works. */
export const CONFIRM_VALID_DAYS = 3;
/** At most one confirmation mail per subscriber in this time, however often the form is posted. */
export const CONFIRM_MAIL_INTERVAL_MS = 60 * 60 * 1000;

type K = Db['kysely'];

interface Subject {
  ws: Workspace;
  token: TokenPayload;
  subscriber: SubscriberRow;
  list: ListRow;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** The subscriber and list a valid token names, or null. */
async function resolve(db: K, token: string, kind: TokenKind, now: number): Promise<Subject | null> {
  const payload = await verifyPublicToken(db, token, kind, now);
  if (!payload) return null;
  const subscriber = await findSubscriberRowById(db, payload.workspaceId, payload.subscriberId);
  const list = subscriber && (await findListRowById(db, payload.workspaceId, subscriber.list_id));
  if (!subscriber || !list) return null;
  return { ws: await findWorkspaceByIdOrThrow(db, payload.workspaceId), token: payload, subscriber, list };
}

/** What the unsubscribe page shows; changes nothing (link scanners follow GETs). */
export async function viewUnsubscribe(db: K, token: string, now: number): Promise<{ listName: string; email: string; status: string } | null> {
  const s = await resolve(db, token, 'unsubscribe', now);
  return s && { listName: s.list.name, email: s.subscriber.email, status: s.subscriber.status };
}

/**
 * Takes the token's subscriber off its list and records the unsubscribe (once). A bounced or
 * complained address stays so: it is mailed no more either way.
 */
export async function unsubscribeByToken(db: K, token: string, now: number): Promise<{ listName: string } | null> {
  const s = await resolve(db, token, 'unsubscribe', now);
  if (!s) return null;
  await unsubscribeSubscriber(db, s.ws, s.subscriber, s.token.campaignId ?? null, now);
  return { listName: s.list.name };
}

/** Unsubscribes one subscriber (form, one-click, mailto): an event only when the status changed. */
export async function unsubscribeSubscriber(db: K, ws: Workspace, subscriber: SubscriberRow, campaignId: string | null, now: number): Promise<void> {
  if (subscriber.status !== 'confirmed' && subscriber.status !== 'unconfirmed') return;
  await changeSubscriberStatus(db, ws, subscriber.id, 'unsubscribed', now);
  await insertEvent(db, ws.id, { subscriber_id: subscriber.id, campaign_id: campaignId, kind: 'unsubscribe' }, now);
}

/** Undoes an unsubscribe from its page: a subscriber who had confirmed is confirmed again. */
export async function resubscribeByToken(db: K, token: string, now: number): Promise<{ listName: string } | null> {
  const s = await resolve(db, token, 'unsubscribe', now);
  if (!s) return null;
  if (s.subscriber.status === 'unsubscribed') {
    await changeSubscriberStatus(db, s.ws, s.subscriber.id, s.subscriber.confirmed_at !== null ? 'confirmed' : 'unconfirmed', now);
  }
  return { listName: s.list.name };
}

/** Records an open; an invalid token records nothing (the pixel answers the same). */
export async function recordOpen(db: K, token: string, now: number): Promise<void> {
  const payload = await verifyPublicToken(db, token, 'open', now);
  if (!payload?.campaignId || !(await findSubscriberRowById(db, payload.workspaceId, payload.subscriberId))) return;
  await insertEvent(db, payload.workspaceId, { subscriber_id: payload.subscriberId, campaign_id: payload.campaignId, kind: 'open' }, now);
  await resetSoftBounces(db, payload.workspaceId, payload.subscriberId);
}

/**
 * The URL a click token leads to: the link at the token's index among the campaign's own
 * rendered links, recorded as a click. Null (never a redirect) for an invalid token or an
 * index the campaign does not have.
 */
export async function followClick(db: K, token: string, now: number): Promise<string | null> {
  const payload = await verifyPublicToken(db, token, 'click', now);
  if (!payload?.campaignId || payload.linkIndex === undefined) return null;
  const campaign = await findCampaignRow(db, payload.workspaceId, payload.campaignId);
  const url = campaign ? campaignLinks(campaign)[payload.linkIndex] : undefined;
  if (!url || !/^(https?:|mailto:)/i.test(url)) return null;
  await insertEvent(db, payload.workspaceId, { subscriber_id: payload.subscriberId, campaign_id: payload.campaignId, kind: 'click', url }, now);
  await resetSoftBounces(db, payload.workspaceId, payload.subscriberId);
  return url;
}

/** The list behind a form key, for its page. */
export async function findFormList(db: K, formKey: string): Promise<{ name: string; description: string } | null> {
  const list = await findListRowByFormKey(db, formKey);
  return list ? { name: list.name, description: list.description } : null;
}

export interface FormSubmission {
  email: string;
  name?: string | null;
}

/**
 * A subscription from the public form: the address is added unconfirmed and a confirmation
 * mail goes out (at most one an hour per subscriber), sent by `deliver` after the answer so
 * that neither the answer nor its timing tells whether the address was already there.
 * Returns the list's name; null when the form key is unknown.
 * @throws validation (the address)
 */
export async function subscribeFromForm(
  db: Db,
  formKey: string,
  input: FormSubmission,
  ip: string | null,
  now: number,
  mail: { key: () => MailKey; deliver: (work: Promise<unknown>) => void; onError: (error: unknown) => void },
): Promise<{ listName: string } | null> {
  const k = db.kysely;
  const list = await findListRowByFormKey(k, formKey);
  if (!list) return null;
  const ws = await findWorkspaceByIdOrThrow(k, list.workspace_id);
  let subscriber: Subscriber;
  try {
    subscriber = await subscribe(k, ws, list.id, { email: input.email, name: input.name || null }, 'form', now, { consentIp: ip });
  } catch (error) {
    // A suppressed address gets the same answer as any other, and no mail.
    if (error instanceof ConflictError) return { listName: list.name };
    throw error;
  }
  if (subscriber.status !== 'unconfirmed' || !ws.settings.public_url) return { listName: list.name };
  if (!(await claimConfirmMail(k, ws.id, subscriber.id, now, CONFIRM_MAIL_INTERVAL_MS))) return { listName: list.name };

  const token = signToken(await tokenSecretOf(k, ws.id, now), {
    kind: 'confirm',
    workspaceId: ws.id,
    subscriberId: subscriber.id,
    expiresAt: now + CONFIRM_VALID_DAYS * 86_400_000,
  });
  // Only the latest link confirms: an older one, or one used already, does nothing.
  await updateSubscriberRow(k, ws.id, subscriber.id, { confirm_token_hash: hashOf(token) });
  const notice = { to: subscriber.email, ...confirmationMail(list.name, confirmUrl(ws.settings.public_url, token), CONFIRM_VALID_DAYS) };
  mail.deliver(
    (async () => {
      try {
        if (!(await sendNotice(db, ws, mail.key, notice, now))) throw new Error(`workspace ${ws.slug} has no mail account to send confirmation mails from`);
      } catch (error) {
        // Not sent: a new request may try again at once.
        await releaseConfirmMail(k, ws.id, subscriber.id);
        mail.onError(error);
      }
    })(),
  );
  return { listName: list.name };
}

/** The confirm page of a valid, unused link (nothing changes on GET). */
export async function viewConfirm(db: K, token: string, now: number): Promise<{ listName: string } | null> {
  const s = await resolve(db, token, 'confirm', now);
  return s && (s.subscriber.confirm_token_hash === hashOf(token) || s.subscriber.status === 'confirmed') ? { listName: s.list.name } : null;
}

/**
 * Confirms the double opt-in: only with the latest link mailed, before it expires, once. A
 * second use answers as confirmed without changing anything (it cannot undo an unsubscribe).
 */
export async function confirmByToken(db: K, token: string, now: number): Promise<{ listName: string } | null> {
  const s = await resolve(db, token, 'confirm', now);
  if (!s) return null;
  if (s.subscriber.confirm_token_hash !== hashOf(token) || s.subscriber.status !== 'unconfirmed') {
    return s.subscriber.status === 'confirmed' ? { listName: s.list.name } : null;
  }
  await changeSubscriberStatus(db, s.ws, s.subscriber.id, 'confirmed', now);
  await insertEvent(db, s.ws.id, { subscriber_id: s.subscriber.id, campaign_id: null, kind: 'confirm' }, now);
  return { listName: s.list.name };
}

/**
 * A list's public form: where it lives and a snippet to embed elsewhere.
 * @throws not_found (list), validation (the workspace has no public_url)
 */
export async function listForm(db: K, ws: Workspace, listRef: string): Promise<{ list_id: string; url: string; html: string }> {
  const list = await findListRowOrThrow(db, ws, listRef);
  const url = subscribeFormUrl(publicUrlOrThrow(ws.settings.public_url), list.form_key);
  return { list_id: list.id, url, html: subscribeSnippet(list.name, url) };
}
