/** The draft coach over HTTP: what the web app's reply box shows while the user writes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { T0 } from '../test/factories.js';

describe.each(testDialects())('draft coach API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  const coach = (draft: unknown, token = f.tokens.member, contact = 'ada@client.example') =>
    f.app.inject({ method: 'POST', url: `/api/v1/contacts/${contact}/coach`, headers: bearer(token), payload: { draft } });

  it('names the behaviours a draft shows and the question of theirs it leaves open', async () => {
    await logInteraction(f.db.kysely, f.a, { kind: 'email', direction: 'in', contact_ids: [f.ids.contactId!], at: T0 - 7_200_000, text: 'When does the sailing course start?' }, T0);
    const res = await coach('How was your trip to Lisbon? I hope the team enjoyed it.');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ contact: { id: f.ids.contactId, email: 'ada@client.example' }, shows: expect.arrayContaining(['interest']) });
    expect(res.json().advice).toContain('Answer their question: "When does the sailing course start?"');
    const answered = await coach('The sailing course starts on Monday. How was your trip to Lisbon?');
    expect(answered.json().advice.join(' ')).not.toContain('Answer their question');
  });

  it('refuses an empty draft, an unknown contact, and viewers', async () => {
    expect((await coach('   ')).json()).toMatchObject({ status: 400, code: 'validation' });
    expect((await coach('Hello', f.tokens.member, 'nobody@nowhere.example')).statusCode).toBe(404);
    expect((await coach('Hello', f.tokens.viewer)).statusCode).toBe(403);
    expect((await coach('Hello', f.otherToken)).statusCode).toBe(404);
  });
});
