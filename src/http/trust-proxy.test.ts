import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, setupApi } from '../app/test-server.js';

/** Three wrong tokens from `client`, then a fourth: the answer to the fourth. */
async function fourthFailure(f: ApiFixture, client: string): Promise<number> {
  let status = 0;
  for (let i = 0; i < 4; i++) {
    const res = await f.app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { authorization: 'Bearer rap_wrong', 'x-forwarded-for': client } });
    status = res.statusCode;
  }
  return status;
}

describe('behind a reverse proxy (sqlite)', () => {
  let f: ApiFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('limits failed credentials per client address given by a trusted proxy, not per proxy', async () => {
    f = await setupApi('sqlite', { trustProxy: 'loopback', rateLimits: { failedAuth: 3 } });
    expect(await fourthFailure(f, '203.0.113.7')).toBe(429);
    const other = await f.app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { authorization: 'Bearer rap_wrong', 'x-forwarded-for': '192.0.2.44' } });
    expect(other.statusCode).toBe(401);
  });

  it('ignores X-Forwarded-For unless told to trust the proxy, so a client cannot pick its own address', async () => {
    f = await setupApi('sqlite', { rateLimits: { failedAuth: 3 } });
    expect(await fourthFailure(f, '203.0.113.7')).toBe(429);
    const spoofed = await f.app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { authorization: 'Bearer rap_wrong', 'x-forwarded-for': '192.0.2.44' } });
    expect(spoofed.statusCode).toBe(429);
  });
});
