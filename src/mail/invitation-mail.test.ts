import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, MAIL_PASSWORD, PASSWORD, setupApi, type ApiFixture } from '../app/test-server.js';

describe.each(testDialects())('invitations by mail (%s)', (dialect) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await setupApi(dialect);
  });
  afterAll(async () => f.close());

  it("mails the invitation from the workspace's account, and the token in it lets the invitee in", async () => {
    const before = f.smtp.received.length;
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: { ...bearer(f.tokens.owner), host: 'rapport.alpha.example' }, payload: { email: 'newcomer@alpha.example', role: 'member' } });
    expect(res.statusCode, res.body).toBe(201);
    const invitation = res.json();
    expect(invitation).toMatchObject({ email: 'newcomer@alpha.example', mailed: true });
    expect(invitation).not.toHaveProperty('mail_error');

    expect(f.smtp.received).toHaveLength(before + 1);
    const delivered = f.smtp.received.at(-1)!;
    expect(delivered).toMatchObject({ from: 'me@alpha.example', to: ['newcomer@alpha.example'] });
    const mail = await simpleParser(delivered.raw);
    expect(mail.subject).toBe(`You are invited to ${f.a.name} on Rapport`);
    expect(mail.text).toContain(invitation.token);
    // The link opens the web app's page for it, which sets the password and signs in.
    expect(mail.text).toContain(`http://rapport.alpha.example/invite/${invitation.token}`);
    expect(delivered.raw.toString()).not.toContain(MAIL_PASSWORD);

    const token = /Your invitation token: (\S+)/.exec(mail.text ?? '')?.[1];
    const accepted = await f.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: PASSWORD, name: 'New Comer' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
  });

  it('without a mail account, creates the invitation as before and says it was not mailed', async () => {
    const before = f.smtp.received.length;
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: bearer(f.otherToken), payload: { email: 'someone@beta.example', role: 'viewer' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ email: 'someone@beta.example', role: 'viewer', mailed: false, token: expect.any(String) });
    expect(res.json()).not.toHaveProperty('mail_error');
    expect(f.smtp.received).toHaveLength(before);
  });

  it('still creates the invitation when the SMTP server cannot be reached, and says why it was not mailed', async () => {
    await f.db.kysely.updateTable('mail_accounts').set({ smtp_url: 'smtp://me@127.0.0.1:1' }).where('workspace_id', '=', f.a.id).execute();
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: bearer(f.tokens.owner), payload: { email: 'later@alpha.example' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ email: 'later@alpha.example', mailed: false, mail_error: expect.stringMatching(/^sending failed: .*127\.0\.0\.1:1/) });
    const listed = await f.app.inject({ method: 'GET', url: '/api/v1/invitations', headers: bearer(f.tokens.owner) });
    expect(listed.json().map((i: { email: string }) => i.email)).toContain('later@alpha.example');
  });
});
