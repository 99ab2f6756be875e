/** Newsletter engagement as prospect warmth: the pure rule as cases, then health on both engines. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { getContactHealth } from '../health/health.service.js';
import { DAY_MS } from '../shared/time.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { newsletterWarmth, withNewsletterWarmth } from './engagement.js';
import { insertEvent, insertList, insertSentIssue, insertSubscriber } from './grow-fixtures.js';

describe('newsletter warmth', () => {
  it.each([
    [0, 0, null],
    [1, 0, 1 / 6],
    [3, 0, 0.5],
    [0, 3, 1],
    [2, 2, 1],
    [6, 0, 1],
  ])('%i opens and %i clicks: %s', (opens, clicks, warmth) => {
    expect(newsletterWarmth({ opens_90d: opens, clicks_90d: clicks })).toBe(warmth);
  });

  it.each([
    ['no engagement leaves the factor', { value: null, explanation: 'Nothing yet.' }, undefined, { value: null, explanation: 'Nothing yet.' }],
    ['warmth fills a factor without data', { value: null, explanation: 'Nothing yet.' }, { opens_90d: 3, clicks_90d: 0 },
      { value: 0.5, explanation: 'Newsletter: opened 3 issues and clicked 0 links in 90 days (warmth 50%). Nothing yet.' }],
    ['their own mail wins when it says more', { value: 0.9, explanation: 'They write often.' }, { opens_90d: 1, clicks_90d: 1 },
      { value: 0.9, explanation: 'They write often. Newsletter: opened 1 issue and clicked 1 link in 90 days (warmth 50%).' }],
  ] as const)('%s', (_title, factor, engagement, expected) => {
    expect(withNewsletterWarmth({ ...factor }, engagement ? { ...engagement } : undefined)).toEqual(expected);
  });
});

describe.each(testDialects())('prospect warmth in health on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
  });
  afterEach(async () => db.close());

  it('scores a prospect who opens and clicks, by address, and leaves a customer and old engagement alone', async () => {
    const { contact: ada } = await buildContact(db, ws, { name: 'Ada', email: 'ada@client.example', kind: 'prospect' }, T0 - 200 * DAY_MS);
    const { contact: cy } = await buildContact(db, ws, { name: 'Cy', email: 'cy@client.example', kind: 'customer' }, T0 - 200 * DAY_MS);
    const { contact: old } = await buildContact(db, ws, { name: 'Old', email: 'old@client.example', kind: 'prospect' }, T0 - 200 * DAY_MS);
    const list = await insertList(db, ws.id, 'Weekly', T0 - 150 * DAY_MS);
    const a = await insertSubscriber(db, ws.id, list, 'ada@client.example', { created_at: T0 - 120 * DAY_MS });
    const c = await insertSubscriber(db, ws.id, list, 'cy@client.example', { created_at: T0 - 120 * DAY_MS, contact_id: cy.id });
    const o = await insertSubscriber(db, ws.id, list, 'old@client.example', { created_at: T0 - 120 * DAY_MS });
    const i1 = await insertSentIssue(db, ws.id, list, 'One', T0 - 20 * DAY_MS, [a, c, o]);
    const i2 = await insertSentIssue(db, ws.id, list, 'Two', T0 - 10 * DAY_MS, [a, c, o]);
    // Ada opens both issues (one of them twice) and clicks once.
    await insertEvent(db, ws.id, a, 'open', T0 - 19 * DAY_MS, { campaign_id: i1 });
    await insertEvent(db, ws.id, a, 'open', T0 - 18 * DAY_MS, { campaign_id: i1 });
    await insertEvent(db, ws.id, a, 'open', T0 - 9 * DAY_MS, { campaign_id: i2 });
    await insertEvent(db, ws.id, a, 'click', T0 - 9 * DAY_MS, { campaign_id: i2, url: 'https://acme.example/pricing' });
    await insertEvent(db, ws.id, c, 'click', T0 - 9 * DAY_MS, { campaign_id: i2, url: 'https://acme.example/pricing' });
    await insertEvent(db, ws.id, o, 'click', T0 - 100 * DAY_MS, { campaign_id: i1, url: 'https://acme.example/pricing' });

    const warm = await getContactHealth(db.kysely, ws, ada.id, T0);
    expect(warm.factors.engagement).toMatchObject({ value: 4 / 6, explanation: expect.stringContaining('Newsletter: opened 2 issues and clicked 1 link in 90 days') });
    expect(warm.score).not.toBeNull();
    expect((await getContactHealth(db.kysely, ws, cy.id, T0)).factors.engagement.explanation).not.toContain('Newsletter');
    expect((await getContactHealth(db.kysely, ws, old.id, T0)).factors.engagement.value).toBeNull();
  });
});
