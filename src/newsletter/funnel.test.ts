/** The funnel: the pure counts as tables of cases, then the repository and API on both engines. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editContact } from '../contacts/contacts.service.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import type { Db } from '../db/database.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { DAY_MS } from '../shared/time.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { computeFunnel, type FunnelInput } from './funnel.js';
import { getFunnel } from './funnel.service.js';
import { insertEvent, insertList, insertSentIssue, insertSubscriber } from './grow-fixtures.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const day = (n: number) => NOW - n * DAY_MS;

function input(over: Partial<FunnelInput>): FunnelInput {
  return { lists: [{ id: 'l1', name: 'Weekly' }], subscribers: [], engagement: [], replies: [], issues: [], ...over };
}

const sub = (id: string, subscribedDaysAgo: number, clientDaysAgo: number | null = null, list = 'l1') => ({
  id,
  list_id: list,
  subscribed_at: day(subscribedDaysAgo),
  client_since: clientDaysAgo === null ? null : day(clientDaysAgo),
});

describe('computeFunnel', () => {
  it.each([
    ['an open 89 days ago is engaged', [{ subscriber_id: 'a', at: day(89) }], 1],
    ['an open 91 days ago is not', [{ subscriber_id: 'a', at: day(91) }], 0],
    ['nothing is not', [], 0],
  ])('%s', (_title, engagement, engaged) => {
    expect(computeFunnel(input({ subscribers: [sub('a', 200)], engagement }), NOW, 'UTC').total.engaged).toBe(engaged);
  });

  it('counts issues before the first reply and before becoming a client, and takes the medians', () => {
    const weekly = (id: string, weeks: number) => Array.from({ length: weeks }, (_, i) => ({ subscriber_id: id, at: day(100 - 7 * i) }));
    const f = computeFunnel(
      input({
        // a: 3 issues then a reply, client after 5; b: 1 issue, a reply; c: never replied; d: a client before subscribing.
        subscribers: [sub('a', 120, 100 - 7 * 5 + 1), sub('b', 120), sub('c', 120), sub('d', 50, 60)],
        issues: [...weekly('a', 8), ...weekly('b', 8), ...weekly('c', 8)],
        replies: [
          { subscriber_id: 'a', at: day(100 - 7 * 3 + 1) },
          { subscriber_id: 'a', at: day(10) },
          { subscriber_id: 'b', at: day(100 - 7 + 1) },
          // Before subscribing: not a reply to the newsletter.
          { subscriber_id: 'd', at: day(55) },
        ],
      }),
      NOW,
      'UTC',
    );
    expect(f.total).toEqual({ subscribers: 4, engaged: 0, replied: 2, clients: 1, median_issues_before_reply: 1, median_issues_before_client: 5 });
  });

  it('groups by list (by name) and by month of subscription in the zone, and ignores future subscriptions', () => {
    const f = computeFunnel(
      input({
        lists: [{ id: 'l2', name: 'Zeta' }, { id: 'l1', name: 'Alpha' }],
        subscribers: [
          { id: 'a', list_id: 'l1', subscribed_at: Date.parse('2025-05-31T23:30:00Z'), client_since: null },
          { id: 'b', list_id: 'l2', subscribed_at: Date.parse('2025-05-31T21:00:00Z'), client_since: null },
          { id: 'c', list_id: 'l2', subscribed_at: NOW + DAY_MS, client_since: null },
        ],
        engagement: [{ subscriber_id: 'b', at: day(1) }],
      }),
      NOW,
      'Europe/Paris',
    );
    expect(f.lists.map((l) => [l.name, l.subscribers, l.engaged])).toEqual([['Alpha', 1, 0], ['Zeta', 1, 1]]);
    // 23:30 UTC on 31 May is 1 June in Paris.
    expect(f.months.map((m) => [m.month, m.subscribers])).toEqual([['2025-05', 1], ['2025-06', 1]]);
    expect(f.total.median_issues_before_reply).toBeNull();
  });
});

describe.each(testDialects())('funnel from the database on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
  });
  afterEach(async () => db.close());

  it('finds replies in inbound mail of the linked contact or of the contact owning the address, and clients by client_since', async () => {
    const weekly = await insertList(db, ws.id, 'Weekly', T0 - 200 * DAY_MS);
    const other = await insertList(db, ws.id, 'Events', T0 - 200 * DAY_MS);
    const { contact: ada } = await buildContact(db, ws, { name: 'Ada Lovelace', email: 'ada@client.example' });
    const { contact: bob } = await buildContact(db, ws, { name: 'Bob Byte', email: 'bob@client.example', kind: 'prospect' });
    const start = T0 - 100 * DAY_MS;
    const a = await insertSubscriber(db, ws.id, weekly, 'ADA@client.example', { created_at: start, contact_id: ada.id });
    // Not linked: found through the address.
    const b = await insertSubscriber(db, ws.id, weekly, 'bob@client.example', { created_at: start });
    const c = await insertSubscriber(db, ws.id, weekly, 'cy@elsewhere.example', { created_at: start });
    await insertSubscriber(db, ws.id, weekly, 'new@elsewhere.example', { status: 'unconfirmed', created_at: start });
    await insertSubscriber(db, ws.id, other, 'ada@client.example', { created_at: start, contact_id: ada.id });
    for (let i = 0; i < 6; i++) await insertSentIssue(db, ws.id, weekly, `Issue ${i + 1}`, start + (i * 7 + 1) * DAY_MS, [a, b, c]);
    // Ada writes after the third issue; Bob becomes a client after the fifth; Cy opened recently.
    await logInteraction(db.kysely, ws, { kind: 'email', direction: 'in', contact_ids: [ada.id], at: start + 16 * DAY_MS, subject: 'Loved it' }, T0);
    // An automated inbound mail and an outbound one are not replies.
    await logInteraction(db.kysely, ws, { kind: 'email', direction: 'out', contact_ids: [bob.id], at: start + 2 * DAY_MS, subject: 'Hi' }, T0);
    await editContact(db.kysely, ws, bob.id, { client_since: start + 30 * DAY_MS }, T0);
    await insertEvent(db, ws.id, c, 'open', T0 - 3 * DAY_MS);
    await insertEvent(db, ws.id, a, 'click', T0 - 95 * DAY_MS);

    const all = await getFunnel(db, ws, T0);
    // Ada replied on both her lists: after 3 issues of Weekly and after none of Events.
    expect(all.total).toEqual({ subscribers: 4, engaged: 1, replied: 2, clients: 1, median_issues_before_reply: 0, median_issues_before_client: 5 });
    const weeklyOnly = await getFunnel(db, ws, T0, 'Weekly');
    expect(weeklyOnly.lists).toEqual([{ list_id: weekly, name: 'Weekly', subscribers: 3, engaged: 1, replied: 1, clients: 1, median_issues_before_reply: 3, median_issues_before_client: 5 }]);
    await expect(getFunnel(db, ws, T0, 'Nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe.each(testDialects())('GET /newsletter/funnel on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  it('answers the funnel per list to a viewer, 404 for an unknown list and nothing of another workspace', async () => {
    // The fixture's list (one confirmed subscriber) and one more.
    const list = await insertList(f.db, f.a.id, 'Monthly', T0 - 10 * DAY_MS);
    await insertSubscriber(f.db, f.a.id, list, 'x@example.org', { created_at: T0 - 5 * DAY_MS });
    const res = await f.app.inject({ url: '/api/v1/newsletter/funnel', headers: bearer(f.tokens.viewer) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ engaged_window_days: 90, total: { subscribers: 2 }, months: [{ month: '2025-01', subscribers: 2 }] });
    const one = await f.app.inject({ url: `/api/v1/newsletter/funnel?list=${list}`, headers: bearer(f.tokens.viewer) });
    expect(one.json().lists).toMatchObject([{ list_id: list, name: 'Monthly', subscribers: 1 }]);
    const missing = await f.app.inject({ url: '/api/v1/newsletter/funnel?list=Nope', headers: bearer(f.tokens.viewer) });
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'not_found']);
    const other = await f.app.inject({ url: '/api/v1/newsletter/funnel', headers: bearer(f.otherToken) });
    expect(other.json().total.subscribers).toBe(0);
    expect((await f.app.inject({ url: `/api/v1/newsletter/funnel?list=${list}`, headers: bearer(f.otherToken) })).statusCode).toBe(404);
  });
});
