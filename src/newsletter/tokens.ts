/**
 * Signed tokens for the newsletter's public links: click, open, unsubscribe and confirm. A
 * token names its kind, workspace, subscriber and (for campaign links) the campaign and the
 * link's index, and carries an HMAC-SHA256 over all of it under the workspace's secret
 * (newsletter-keys.ts), so a token of one kind cannot be used as another and no field can be
 * changed. It is URL-safe: ids are [a-z0-9_], the tag base64url.
 *
 * Shape (never change it: links in mail already sent must keep working):
 *   v1.KIND.WORKSPACE.SUBSCRIBER.CAMPAIGN.INDEX.EXPIRES.TAG
 * with CAMPAIGN, INDEX and EXPIRES empty when absent; EXPIRES in base-36 epoch ms.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'click' | 'open' | 'unsubscribe' | 'confirm';

const KIND_CODES: Record<TokenKind, string> = { click: 'c', open: 'o', unsubscribe: 'u', confirm: 'k' };
const KIND_OF_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as TokenKind]));
const ID = /^[a-z0-9_]{1,64}$/;
/** 16 bytes of tag: 128 bits is far beyond guessing, and keeps URLs short. */
const TAG_BYTES = 16;

export interface TokenPayload {
  kind: TokenKind;
  workspaceId: string;
  subscriberId: string;
  campaignId?: string;
  /** The link's position among the campaign's links (click tokens). */
  linkIndex?: number;
  /** Epoch ms after which the token is refused (confirm tokens). */
  expiresAt?: number;
}

function tagOf(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, TAG_BYTES);
}

/** @throws Error when a field cannot be put in a token (a programming error, not user input). */
export function signToken(secret: Buffer, payload: TokenPayload): string {
  for (const id of [payload.workspaceId, payload.subscriberId, payload.campaignId ?? 'x']) {
    if (!ID.test(id)) throw new Error(`cannot sign a token for id ${JSON.stringify(id)}`);
  }
  const body = [
    'v1',
    KIND_CODES[payload.kind],
    payload.workspaceId,
    payload.subscriberId,
    payload.campaignId ?? '',
    payload.linkIndex === undefined ? '' : String(payload.linkIndex),
    payload.expiresAt === undefined ? '' : payload.expiresAt.toString(36),
  ].join('.');
  return `${body}.${tagOf(secret, body).toString('base64url')}`;
}

interface ParsedToken {
  body: string;
  tag: string;
  payload: TokenPayload;
}

function parseToken(token: string): ParsedToken | null {
  if (token.length > 400) return null;
  const parts = token.split('.');
  if (parts.length !== 8 || parts[0] !== 'v1') return null;
  const [, code, workspaceId, subscriberId, campaignId, index, expires, tag] = parts as [string, string, string, string, string, string, string, string];
  const kind = KIND_OF_CODE.get(code);
  if (!kind || !ID.test(workspaceId) || !ID.test(subscriberId) || (campaignId !== '' && !ID.test(campaignId))) return null;
  if ((index !== '' && !/^\d{1,6}$/.test(index)) || (expires !== '' && !/^[0-9a-z]{1,12}$/.test(expires)) || !/^[A-Za-z0-9_-]{22}$/.test(tag)) return null;
  const payload: TokenPayload = { kind, workspaceId, subscriberId };
  if (campaignId !== '') payload.campaignId = campaignId;
  if (index !== '') payload.linkIndex = Number(index);
  if (expires !== '') payload.expiresAt = Number.parseInt(expires, 36);
  return { body: parts.slice(0, 7).join('.'), tag, payload };
}

/**
 * The workspace a token claims to belong to, unverified: the caller looks up that workspace's
 * secret and then calls verifyToken. Null when the text is no token at all.
 */
export function tokenWorkspace(token: string): string | null {
  return parseToken(token)?.payload.workspaceId ?? null;
}

/**
 * The payload when the token is well formed, of the expected kind, signed with `secret` and
 * not expired at `now`; otherwise null (the caller answers the same way whatever was wrong).
 */
export function verifyToken(secret: Buffer, token: string, kind: TokenKind, now: number): TokenPayload | null {
  const parsed = parseToken(token);
  if (!parsed || parsed.payload.kind !== kind) return null;
  const given = Buffer.from(parsed.tag, 'base64url');
  const expected = tagOf(secret, parsed.body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (parsed.payload.expiresAt !== undefined && parsed.payload.expiresAt < now) return null;
  return parsed.payload;
}
