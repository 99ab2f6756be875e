/** Facts over HTTP, as the contact page edits them: PATCH and DELETE by id, within the workspace, by role. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

describe.each(testDialects())('facts API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  const factsOf = async () => (await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/facts`, headers: bearer(f.tokens.viewer) })).json() as { id: string; text: string; kind: string }[];

  it('edits a fact and deletes it; the list shows each change', async () => {
    const patched = await f.app.inject({ method: 'PATCH', url: `/api/v1/facts/${f.ids.factId}`, headers: bearer(f.tokens.member), payload: { text: 'sailing on the Solent', kind: 'interest' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: f.ids.factId, text: 'sailing on the Solent' });
    expect((await factsOf()).map((x) => x.text)).toEqual(['sailing on the Solent']);

    const deleted = await f.app.inject({ method: 'DELETE', url: `/api/v1/facts/${f.ids.factId}`, headers: bearer(f.tokens.member) });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(await factsOf()).toEqual([]);
    const again = await f.app.inject({ method: 'DELETE', url: `/api/v1/facts/${f.ids.factId}`, headers: bearer(f.tokens.member) });
    expect(again.statusCode).toBe(404);
  });

  it('refuses an edit that leaves an important date without a date, naming the field', async () => {
    const res = await f.app.inject({ method: 'PATCH', url: `/api/v1/facts/${f.ids.factId}`, headers: bearer(f.tokens.member), payload: { kind: 'important_date' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('an important date needs a date');
    expect((await factsOf()).map((x) => x.kind)).toEqual(['interest']);
  });

  it('lets a viewer read but not change facts, and another workspace not see them', async () => {
    const viewer = await f.app.inject({ method: 'DELETE', url: `/api/v1/facts/${f.ids.factId}`, headers: bearer(f.tokens.viewer) });
    expect(viewer.statusCode).toBe(403);
    const other = await f.app.inject({ method: 'PATCH', url: `/api/v1/facts/${f.ids.factId}`, headers: bearer(f.otherToken), payload: { text: 'x' } });
    expect(other.statusCode).toBe(404);
    expect((await factsOf()).map((x) => x.text)).toEqual(['sailing']);
  });
});
