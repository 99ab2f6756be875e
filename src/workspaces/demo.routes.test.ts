/** "Load the demo" from the web app: a demo workspace the signed-in user owns, and the session moves to it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { CSRF_HEADER } from '../http/auth.js';
import { PASSWORD, setupApi, type ApiFixture } from '../app/test-server.js';

describe.each(testDialects())('demo from the web app on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  /** Signs in like the browser: the session cookie and the CSRF token of the answer. */
  async function signIn() {
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'member@alpha.example', password: PASSWORD } });
    const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    return { cookie, [CSRF_HEADER]: res.json().csrf_token as string };
  }

  it('creates a demo workspace owned by the user, switches the session to it, and numbers the next one', async () => {
    const headers = await signIn();
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/demo', headers, payload: { contacts: 12 } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ workspace: { slug: 'demo', name: 'Demo' }, contacts: 12, interactions: expect.any(Number) });

    const session = await f.app.inject({ url: '/api/v1/auth/session', headers });
    expect(session.json()).toMatchObject({ workspace: { slug: 'demo' }, role: 'owner' });
    const contacts = await f.app.inject({ url: '/api/v1/contacts?limit=100', headers });
    expect(contacts.json()).toHaveLength(12);
    expect(contacts.json().every((c: { health: unknown }) => c.health !== null)).toBe(true);

    const again = await f.app.inject({ method: 'POST', url: '/api/v1/demo', headers, payload: { contacts: 3 } });
    expect(again.json().workspace.slug).toBe('demo-2');
    const workspaces = await f.app.inject({ url: '/api/v1/workspaces', headers });
    expect(workspaces.json().map((w: { slug: string }) => w.slug).sort()).toEqual(['alpha', 'demo', 'demo-2']);
  });

  it('refuses a write without the CSRF token and a demo of more than 1,000 contacts', async () => {
    const headers = await signIn();
    const noCsrf = await f.app.inject({ method: 'POST', url: '/api/v1/demo', headers: { cookie: headers.cookie }, payload: {} });
    expect(noCsrf.statusCode).toBe(403);
    const huge = await f.app.inject({ method: 'POST', url: '/api/v1/demo', headers, payload: { contacts: 5000 } });
    expect(huge.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ where: expect.stringContaining('contacts') })] });
  });
});
