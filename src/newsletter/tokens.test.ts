import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import { tokenSecretOf, verifyPublicToken } from './newsletter-keys.js';
import { signToken, tokenWorkspace, verifyToken } from './tokens.js';

const secret = randomBytes(32);
const click = { kind: 'click', workspaceId: 'ws_1', subscriberId: 'ns_2', campaignId: 'nc_3', linkIndex: 4 } as const;

describe('signToken / verifyToken', () => {
  it('round-trips a URL-safe token', () => {
    const token = signToken(secret, click);
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyToken(secret, token, 'click', T0)).toEqual(click);
    expect(tokenWorkspace(token)).toBe('ws_1');
  });

  it('refuses a changed field, another kind, another secret, an expired token and junk', () => {
    const token = signToken(secret, click);
    expect(verifyToken(secret, token.replace('.4.', '.5.'), 'click', T0)).toBeNull();
    expect(verifyToken(secret, token.replace('ns_2', 'ns_9'), 'click', T0)).toBeNull();
    expect(verifyToken(secret, token.replace('v1.c.', 'v1.u.'), 'unsubscribe', T0)).toBeNull();
    expect(verifyToken(secret, token, 'unsubscribe', T0)).toBeNull();
    expect(verifyToken(randomBytes(32), token, 'click', T0)).toBeNull();
    const tag = token.slice(token.lastIndexOf('.') + 1);
    const flipped = `${token.slice(0, token.lastIndexOf('.') + 1)}${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    expect(verifyToken(secret, flipped, 'click', T0)).toBeNull();
    const confirm = signToken(secret, { kind: 'confirm', workspaceId: 'ws_1', subscriberId: 'ns_2', expiresAt: T0 + 1000 });
    expect(verifyToken(secret, confirm, 'confirm', T0)).not.toBeNull();
    expect(verifyToken(secret, confirm, 'confirm', T0 + 1001)).toBeNull();
    for (const junk of ['', 'v1', 'v1.c.ws_1.ns_2....', `${token}.x`, 'x'.repeat(500)]) expect(verifyToken(secret, junk, 'click', T0)).toBeNull();
  });
});

describe.each(testDialects())('the workspace token secret on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('is created once per workspace, kept, and verifies the public tokens of that workspace only', async () => {
    const a = await buildWorkspace(db, { slug: 'a' });
    const b = await buildWorkspace(db, { slug: 'b' });
    const [first, again] = await Promise.all([tokenSecretOf(db.kysely, a.id, T0), tokenSecretOf(db.kysely, a.id, T0)]);
    expect(first.equals(again)).toBe(true);
    expect(first).toHaveLength(32);
    const other = await tokenSecretOf(db.kysely, b.id, T0);
    expect(other.equals(first)).toBe(false);
    const token = signToken(first, { kind: 'unsubscribe', workspaceId: a.id, subscriberId: 'ns_1', campaignId: 'nc_1' });
    expect(await verifyPublicToken(db.kysely, token, 'unsubscribe', T0)).toMatchObject({ workspaceId: a.id });
    // Claiming workspace b in a token signed for a: the tag no longer matches.
    expect(await verifyPublicToken(db.kysely, token.replace(a.id, b.id), 'unsubscribe', T0)).toBeNull();
  });
});
