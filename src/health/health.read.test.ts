/**
 * GET /contacts/{id}/health without the read cache: what it serves equals a full
 * recomputation from the database for the same data and instant, after each kind of change
 * (an interaction, a fact, a commitment, settings and weights, time passing), on both engines.
 * The read path keeps per-settings tools (business clock, competitor matcher) across
 * requests: a settings change must reach it at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { addCommitment } from '../commitments/commitments.service.js';
import { testDialects } from '../db/test-db.js';
import { addFact } from '../facts/facts.service.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { DAY_MS } from '../shared/time.js';
import { T0 } from '../test/factories.js';
import { findWorkspaceByIdOrThrow } from '../workspaces/workspaces.service.js';
import { computeSelected, toolsFor } from './health.batch.js';

describe.each(testDialects())('uncached health reads on %s', (dialect) => {
  let f: ApiFixture;
  let now = T0;
  beforeEach(async () => {
    now = T0;
    f = await setupApi(dialect, { readCacheMs: 0, now: () => now });
  });
  afterEach(async () => f.close());

  /** Health as served, and as a full recomputation of the same contact from scratch. */
  async function servedAndRecomputed(contactId: string) {
    const res = await f.app.inject({ url: `/api/v1/contacts/${contactId}/health`, headers: bearer(f.tokens.viewer) });
    expect(res.statusCode, res.body).toBe(200);
    const ws = await findWorkspaceByIdOrThrow(f.db.kysely, f.a.id);
    const [full] = await computeSelected(f.db.kysely, ws, { ids: [contactId] }, now, toolsFor(ws));
    const email = (await f.db.kysely.selectFrom('contact_emails').select('email').where('contact_id', '=', contactId).where('is_primary', '=', 1).executeTakeFirst())?.email ?? null;
    const recomputed = {
      contact: { id: contactId, name: full!.contact.name, email },
      score: full!.health.score,
      status: full!.health.status,
      slipping: full!.health.slipping,
      stage: full!.stage,
      factors: full!.health.factors,
      metrics: full!.computed.metrics,
    };
    return { served: res.json(), recomputed: JSON.parse(JSON.stringify(recomputed)) };
  }

  it('equals a full recomputation after each kind of change', async () => {
    const id = f.ids.contactId!;
    let last: unknown;
    /** `changes`: whether health reads anything the change touched (facts and commitments it does not). */
    const check = async (change: string, changes = true) => {
      const { served, recomputed } = await servedAndRecomputed(id);
      expect(served, change).toEqual(recomputed);
      // The comparison saw the change: what is served moved with it.
      if (changes) expect(served, change).not.toEqual(last);
      else expect(served, change).toEqual(last);
      last = served;
    };
    await check('as set up');
    const ws = f.a;
    const patchSettings = async (payload: object) => {
      const res = await f.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: bearer(f.tokens.admin), payload });
      expect(res.statusCode, res.body).toBe(200);
    };
    // An inbound email nobody answered yet: an open wait, whose age counts in business hours.
    await logInteraction(f.db.kysely, ws, { kind: 'email', direction: 'in', contact_ids: [id], at: T0 - 2 * 3_600_000, subject: 'Quote', text: 'Could you send the quote? Globex asked too.' }, T0);
    await check('new interaction');
    await addFact(f.db.kysely, ws, id, { kind: 'preference', text: 'Prefers calls in the morning' }, T0);
    await check('new fact', false);
    await addCommitment(f.db.kysely, ws, id, { text: 'Send the quote', due_at: T0 + DAY_MS }, T0);
    await check('new commitment', false);
    // Settings change through the API: a write through this server is seen by its next read at once.
    await patchSettings({ weights: { responsiveness: 90, attention: 5, care: 5, engagement: 0, reciprocity: 0 } });
    await check('weights');
    await patchSettings({ business_hours: { days: [1, 2, 3, 4, 5, 6, 7], start: '06:00', end: '22:00' }, competitors: ['Globex'], time_zone: 'Asia/Tokyo' });
    await check('business hours, competitors and zone');
    now = T0 + 3 * 3_600_000;
    await check('three hours later');
    now = T0 + 40 * DAY_MS;
    await check('forty days later');
  });

  it('finds the contact by any of its addresses and answers 404 for an unknown one', async () => {
    const id = f.ids.contactId!;
    const email = (await f.db.kysely.selectFrom('contact_emails').select('email').where('contact_id', '=', id).executeTakeFirstOrThrow()).email;
    const byEmail = await f.app.inject({ url: `/api/v1/contacts/${encodeURIComponent(email.toUpperCase())}/health`, headers: bearer(f.tokens.viewer) });
    expect(byEmail.json()).toEqual((await servedAndRecomputed(id)).recomputed);
    const missing = await f.app.inject({ url: '/api/v1/contacts/ct_0000000000000/health', headers: bearer(f.tokens.viewer) });
    expect(missing.statusCode).toBe(404);
    const other = await f.app.inject({ url: `/api/v1/contacts/${id}/health`, headers: bearer(f.otherToken) });
    expect(other.statusCode).toBe(404);
  });
});
