/** Today over HTTP: the plan by default with X-Total-Count, all=1 for everything, undo. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { T0 } from '../test/factories.js';

describe.each(testDialects())('Today API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  const post = (url: string, payload: unknown = {}) => f.app.inject({ method: 'POST', url, headers: bearer(f.tokens.member), payload: payload as object });

  it('answers the plan with its size and the total open; all=1 lists every one; undo of done takes the interaction back', async () => {
    await updateWorkspaceSettings(f.db.kysely, f.a, { today_plan_size: 2 }, T0);
    for (const [text, due] of [['send the contract', '2025-01-06T12:00:00Z'], ['call back', '2025-01-07T09:00:00Z'], ['send slides', '2025-01-07T10:00:00Z']]) {
      expect((await post('/api/v1/commitments', { contact: 'ada@client.example', text, due_at: due })).statusCode).toBe(201);
    }
    const plan = await f.app.inject({ url: '/api/v1/today', headers: bearer(f.tokens.viewer) });
    expect(plan.statusCode).toBe(200);
    const all = await f.app.inject({ url: '/api/v1/today?all=1', headers: bearer(f.tokens.viewer) });
    const open = all.json().length as number;
    expect(open).toBeGreaterThan(3);
    expect(all.json()[0].why).toBeUndefined();
    expect([plan.headers['x-total-count'], all.headers['x-total-count']]).toEqual([String(open), String(open)]);
    expect(plan.json()).toHaveLength(2);
    expect(plan.json()[0]).toMatchObject({ kind: 'keep_promise', why: `Promise 1 of 2 today (4 open): a promise due now comes before anything new.` });

    const id = plan.json()[0].id as string;
    const done = await post(`/api/v1/today/${id}/done`, { note: 'Sent the contract' });
    expect(done.statusCode).toBe(200);
    const interactionId = done.json().interaction.id as string;
    expect((await f.app.inject({ url: '/api/v1/today', headers: bearer(f.tokens.viewer) })).json().map((s: { id: string }) => s.id)).toEqual([plan.json()[1].id]);

    const missing = await post(`/api/v1/today/${id}/undo`);
    expect(missing.json()).toMatchObject({ status: 400, code: 'validation' });
    const undone = await post(`/api/v1/today/${id}/undo`, { interaction_id: interactionId });
    expect(undone.statusCode).toBe(200);
    expect(undone.json()).toMatchObject({ id, status: 'open' });
    expect((await f.app.inject({ url: `/api/v1/interactions/${interactionId}`, headers: bearer(f.tokens.viewer) })).statusCode).toBe(404);
    expect((await f.app.inject({ url: '/api/v1/today', headers: bearer(f.tokens.viewer) })).json().map((s: { id: string }) => s.id)).toEqual(plan.json().map((s: { id: string }) => s.id));
    expect((await post(`/api/v1/today/${id}/undo`)).json()).toMatchObject({ status: 409, code: 'conflict' });
    expect((await f.app.inject({ method: 'POST', url: `/api/v1/today/${id}/undo`, headers: bearer(f.tokens.viewer), payload: {} })).statusCode).toBe(403);
  });

  it('refuses an unknown all value and a limit of 0, naming the parameter', async () => {
    for (const q of ['all=yes', 'limit=0']) {
      const res = await f.app.inject({ url: `/api/v1/today?${q}`, headers: bearer(f.tokens.viewer) });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toContain(q.split('=')[0]);
    }
  });
});
