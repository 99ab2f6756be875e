/** follow_interest: newsletter clicks become Today's interest signals; pure cases, then loaded from the database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.js';
import { createTestDb, testDialects } from '../../db/test-db.js';
import { insertEvent, insertList, insertSentIssue, insertSubscriber } from '../../newsletter/grow-fixtures.js';
import { DAY_MS, HOUR_MS } from '../../shared/time.js';
import { buildContact, buildWorkspace } from '../../test/factories.js';
import type { Workspace } from '../../workspaces/workspaces.schema.js';
import { suggest } from '../engine.js';
import type { EngineClick, EngineContact, EngineInput } from '../engine.types.js';
import { loadSuggestionDeps } from '../suggestions.deps.js';
import { listToday } from '../suggestions.service.js';
import { linkTopic } from './interest.js';

const NOW = Date.parse('2025-03-10T10:00:00Z');

function contact(id: string, over: Partial<EngineContact> = {}): EngineContact {
  return {
    id,
    name: `${id.charAt(0).toUpperCase()}${id.slice(1)} Example`,
    email: `${id}@client.example`,
    kind: 'prospect',
    stage: 'prospect',
    relationship_start: NOW - 100 * DAY_MS,
    client_since: null,
    keep_in_touch_days: null,
    score: null,
    status: null,
    slipping: false,
    last_touch_at: null,
    metrics: null,
    last_surprise_at: null,
    last_compliment_at: null,
    last_interest_at: null,
    ...over,
  };
}

function input(contacts: EngineContact[], clicks: EngineClick[]): EngineInput {
  return {
    settings: { time_zone: 'UTC', honeymoon_days: 90, business_day_s: 8 * 3600 },
    contacts,
    waits: [],
    facts: [],
    commitments: [],
    knowledge: [],
    shares: [],
    achievements: [],
    newsletter_clicks: clicks,
  };
}

const click = (contactId: string, url: string, hoursAgo: number, campaign = 'nc_1'): EngineClick => ({
  contact_id: contactId,
  campaign_id: campaign,
  subject: 'Weekly note 12',
  url,
  at: NOW - hoursAgo * HOUR_MS,
});

describe('followInterestRule', () => {
  it.each([
    ['https://acme.example/articles/pricing-for-small-teams', 'pricing for small teams'],
    ['https://acme.example/guide.pdf', 'guide'],
    ['https://www.acme.example/', 'acme.example'],
    ['https://acme.example/caf%C3%A9', 'café'],
    ['not a url', 'not a url'],
  ])('names %s as "%s"', (url, topic) => {
    expect(linkTopic(url)).toBe(topic);
  });

  it('turns two clicks on the pricing article into a follow-up naming it, with a draft asking whether it fits', () => {
    const pricing = 'https://acme.example/articles/pricing';
    const out = suggest(input([contact('ada')], [click('ada', pricing, 50), click('ada', pricing, 2), click('ada', 'https://acme.example/blog', 30)]), NOW);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: 'follow_interest',
      behavior: 'interest',
      contact_id: 'ada',
      cause: `follow_interest:ada:nc_1:${pricing}`,
      reason: 'Ada clicked the pricing link in "Weekly note 12" twice, last today (and 1 other link): ask whether it fits their plans.',
      due_at: NOW - 2 * HOUR_MS,
    });
    expect(out[0]?.draft).toMatch(/^Hi Ada,\n\nI noticed the pricing piece from our newsletter caught your eye\. Does it fit what you are planning/);
  });

  it('ignores clicks older than 14 days, of unknown contacts, and clicks already followed up with interest', () => {
    const url = 'https://acme.example/pricing';
    expect(suggest(input([contact('ada')], [click('ada', url, 15 * 24)]), NOW)).toEqual([]);
    expect(suggest(input([contact('ada')], [click('bob', url, 2)]), NOW)).toEqual([]);
    expect(suggest(input([contact('ada', { last_interest_at: NOW - HOUR_MS })], [click('ada', url, 2)]), NOW)).toEqual([]);
    // A click after the last interest touch is new interest.
    expect(suggest(input([contact('ada', { last_interest_at: NOW - 5 * HOUR_MS })], [click('ada', url, 2)]), NOW)).toHaveLength(1);
  });

  it('ranks a prospect with repeated clicks above a client with one, and is deterministic', () => {
    const data = input(
      [contact('ada'), contact('bob', { kind: 'customer', stage: 'established', client_since: NOW - 400 * DAY_MS })],
      [click('bob', 'https://acme.example/a', 3), click('ada', 'https://acme.example/b', 5), click('ada', 'https://acme.example/b', 4), click('ada', 'https://acme.example/b', 1)],
    );
    const out = suggest(data, NOW);
    expect(out.map((s) => [s.contact_id, s.priority])).toEqual([['ada', 65], ['bob', 45]]);
    expect(out[1]?.reason).toContain('ask whether it fits what they are working on');
    expect(suggest(structuredClone({ ...data, newsletter_clicks: [...(data.newsletter_clicks ?? [])].reverse() }), NOW)).toEqual(out);
  });
});

describe.each(testDialects())('newsletter clicks in Today on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
  });
  afterEach(async () => db.close());

  it('finds the clicks of a subscriber whose address is a contact, and not opens or old clicks', async () => {
    const now = NOW;
    const { contact: ada } = await buildContact(db, ws, { name: 'Ada Lovelace', email: 'ada@client.example', kind: 'prospect' }, now - 30 * DAY_MS);
    const list = await insertList(db, ws.id, 'Weekly', now - 60 * DAY_MS);
    const sub = await insertSubscriber(db, ws.id, list, 'Ada@Client.example', { created_at: now - 50 * DAY_MS });
    const stranger = await insertSubscriber(db, ws.id, list, 'x@nowhere.example', { created_at: now - 50 * DAY_MS });
    const issue = await insertSentIssue(db, ws.id, list, 'Pricing, plainly', now - 3 * DAY_MS, [sub, stranger]);
    const url = 'https://acme.example/articles/pricing';
    await insertEvent(db, ws.id, sub, 'click', now - 2 * DAY_MS, { campaign_id: issue, url });
    await insertEvent(db, ws.id, sub, 'click', now - DAY_MS, { campaign_id: issue, url });
    await insertEvent(db, ws.id, sub, 'open', now - DAY_MS, { campaign_id: issue });
    await insertEvent(db, ws.id, sub, 'click', now - 20 * DAY_MS, { campaign_id: issue, url: 'https://acme.example/old' });
    await insertEvent(db, ws.id, stranger, 'click', now - DAY_MS, { campaign_id: issue, url });
    const today = await listToday(db.kysely, ws, now, { limit: 20 }, loadSuggestionDeps);
    const follow = today.filter((s) => s.kind === 'follow_interest');
    expect(follow).toHaveLength(1);
    expect(follow[0]).toMatchObject({ contact: { id: ada.id }, reason: 'Ada clicked the pricing link in "Pricing, plainly" twice, last yesterday: ask whether it fits their plans.' });
  });
});
