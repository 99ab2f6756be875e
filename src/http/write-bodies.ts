/**
 * Test data: a valid body for every write route of /api/v1, keyed "METHOD /path", so that
 * the auth matrix and the hostile-input tests exercise the route rather than its validation.
 * Ids of workspace A are filled in by `bodyFor`.
 */
export const VALID_BODIES: Record<string, (ids: Record<string, string>) => unknown> = {
  'POST /api/v1/auth/signup': () => ({ email: 'first@x.example', password: 'a long enough password' }),
  'POST /api/v1/auth/login': () => ({ email: 'owner@alpha.example', password: 'wrong password here' }),
  'POST /api/v1/auth/invitations/accept': () => ({ token: 'rinv_unknown', password: 'a long enough password' }),
  'POST /api/v1/auth/session/workspace': () => ({ workspace: 'alpha' }),
  'POST /api/v1/workspaces': () => ({ name: 'New one', me: ['me@new.example'] }),
  'POST /api/v1/demo': () => ({ contacts: 20 }),
  'PATCH /api/v1/settings': () => ({ competitors: ['Globex'] }),
  'PATCH /api/v1/members/:userId': () => ({ role: 'viewer' }),
  'POST /api/v1/invitations': () => ({ email: 'invitee@x.example', role: 'member' }),
  'POST /api/v1/tokens': () => ({ name: 'ci', role: 'viewer' }),
  'POST /api/v1/contacts': () => ({ email: 'grace@client.example', name: 'Grace', tags: ['vip'] }),
  'PATCH /api/v1/contacts/:contactId': () => ({ name: 'Ada Lovelace', notes: 'met at the fair' }),
  'POST /api/v1/contacts/:contactId/facts': () => ({ kind: 'interest', text: 'sailing' }),
  'PATCH /api/v1/facts/:factId': () => ({ text: 'sailing boats' }),
  'POST /api/v1/commitments': (ids) => ({ contact: ids.contactId, text: 'send the proposal', due_at: '2025-01-08T09:00:00Z' }),
  'PATCH /api/v1/commitments/:commitmentId': () => ({ text: 'send the signed proposal' }),
  'POST /api/v1/commitments/:commitmentId/done': () => ({}),
  'POST /api/v1/knowledge': () => ({ title: 'Pricing guide', topics: ['pricing'] }),
  'PATCH /api/v1/knowledge/:knowledgeId': () => ({ title: 'Pricing guide, 2nd edition' }),
  'POST /api/v1/knowledge/:knowledgeId/shares': (ids) => ({ contact: ids.contactId }),
  'POST /api/v1/today/:suggestionId/done': () => ({ note: 'sent it' }),
  'POST /api/v1/today/:suggestionId/snooze': () => ({ until: '2025-01-07T09:00:00Z' }),
  'POST /api/v1/today/:suggestionId/undo': () => ({}),
  'POST /api/v1/contacts/:contactId/coach': () => ({ draft: 'How was the regatta? Here is a guide to sailing knots.' }),
  'POST /api/v1/interactions': (ids) => ({ kind: 'call', contact_ids: [ids.contactId], text: 'called about the offer' }),
  // An IP literal: no DNS lookup in tests.
  'POST /api/v1/webhooks': () => ({ url: 'https://93.184.215.14/hook', events: ['interaction.created'] }),
  'PATCH /api/v1/webhooks/:webhookId': () => ({ description: 'CRM sync' }),
  'POST /api/v1/accounts': () => ({ imap: 'imap://me@127.0.0.1:1', smtp: 'smtp://me@127.0.0.1:1', password: 'mail-password-7f3a9c', address: 'me@alpha.example' }),
  'POST /api/v1/messages': (ids) => ({ contact: ids.contactId, subject: 'Hello', body: 'How was the regatta?' }),
  'POST /api/v1/newsletter/lists': () => ({ name: 'Monthly' }),
  'POST /api/v1/newsletter/lists/:listId/subscribers': () => ({ email: 'reader@x.example' }),
  'PATCH /api/v1/newsletter/lists/:listId/subscribers/:subscriberId': () => ({ status: 'unsubscribed' }),
  'POST /api/v1/newsletter/lists/:listId/imports': () => ({ csv: 'one@x.example,One\n', confirmed: true }),
  'POST /api/v1/newsletter/campaigns': (ids) => ({ list: ids.listId, markdown: '---\nsubject: Issue 2\n---\nHello {{first_name|there}}.' }),
  'POST /api/v1/newsletter/campaigns/:campaignId/schedule': () => ({ at: '2025-01-07T09:00:00' }),
  'POST /api/v1/newsletter/campaigns/:campaignId/test-send': () => ({ to: 'me@alpha.example' }),
  'POST /api/v1/newsletter/campaigns/:campaignId/send': () => ({ rate: 0 }),
  'POST /api/v1/newsletter/campaigns/:campaignId/release': () => ({ emails: ['nobody@x.example'] }),
  'POST /api/v1/newsletter/drips': () => ({ list: 'Drip fixture', name: 'Second welcome' }),
  'POST /api/v1/newsletter/drips/:dripId/steps': () => ({ after_days: 3, markdown: '---\nsubject: Our best articles\n---\nStart here.' }),
};

export function bodyFor(method: string, url: string, ids: Record<string, string>): unknown {
  return VALID_BODIES[`${method} ${url}`]?.(ids);
}

export function fillParams(url: string, ids: Record<string, string>): string {
  return url.replace(/:(\w+)/g, (_, name: string) => {
    const id = ids[name];
    if (!id) throw new Error(`no fixture id for :${name} in ${url}`);
    return encodeURIComponent(id);
  });
}

/** Query strings the GET routes need. */
const QUERIES: Record<string, (ids: Record<string, string>) => string> = {
  '/api/v1/interactions': (ids) => `?contact=${ids.contactId}`,
};

export function urlFor(url: string, ids: Record<string, string>): string {
  return fillParams(url, ids) + (QUERIES[url]?.(ids) ?? '');
}
