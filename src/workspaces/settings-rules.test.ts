/** Settings the server refuses, in the words the web form shows beside the field. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

describe.each(testDialects())('PATCH /settings rules on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  const patch = (payload: object) => f.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: bearer(f.tokens.owner), payload });

  it('refuses weights that are all 0: no contact could be scored', async () => {
    const res = await patch({ weights: { responsiveness: 0, attention: 0, care: 0, engagement: 0, reciprocity: 0 } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Weights must add up to more than 0');
    const settings = await f.app.inject({ url: '/api/v1/settings', headers: bearer(f.tokens.owner) });
    expect(settings.json().weights.responsiveness).toBeGreaterThan(0);
  });

  it('keeps the language dates are written in, and refuses what is not a language tag', async () => {
    const ok = await patch({ locale: 'de-DE' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().locale).toBe('de-DE');
    const bad = await patch({ locale: 'not a language!' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('not a language tag');
    const back = await patch({ locale: null });
    expect(back.json().locale).toBeNull();
  });

  it('accepts weights where one factor alone counts', async () => {
    const res = await patch({ weights: { responsiveness: 0, attention: 1, care: 0, engagement: 0, reciprocity: 0 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().weights.attention).toBe(1);
  });
});
