import { describe, expect, it } from 'vitest';
import { CAMPAIGN_HEADER as BUILDER_HEADER } from './campaign-message.js';
import { CAMPAIGN_HEADER, isOwnIssue, messageIdForms, newsletterMarkOf } from './inbound.js';

const h = (fields: Record<string, string>) => Object.entries(fields).map(([key, value]) => ({ key, value }));

describe('newsletter marks of a parsed message', () => {
  it('reads the header the campaign builder writes', () => {
    expect(CAMPAIGN_HEADER).toBe(BUILDER_HEADER.toLowerCase());
  });

  it.each([
    [{ 'x-rapport-campaign': 'nc_1' }, null, { campaign: 'nc_1', hasOneClickUnsubscribe: false, unsubscribeToken: null }],
    [{ 'list-unsubscribe': '<https://x/p/u/t>', 'list-unsubscribe-post': 'List-Unsubscribe=One-Click' }, null, { campaign: null, hasOneClickUnsubscribe: true, unsubscribeToken: null }],
    // List-Unsubscribe alone is any mailing list's.
    [{ 'list-unsubscribe': '<mailto:leave@lists.example>' }, null, { campaign: null, hasOneClickUnsubscribe: false, unsubscribeToken: null }],
    [{}, 'unsubscribe v1.u.ws_1.ns_2.nc_3...AAAAAAAAAAAAAAAAAAAAAA', { campaign: null, hasOneClickUnsubscribe: false, unsubscribeToken: 'v1.u.ws_1.ns_2.nc_3...AAAAAAAAAAAAAAAAAAAAAA' }],
    [{}, 'Re: unsubscribe v1.u.ws_1.ns_2....AAAAAAAAAAAAAAAAAAAAAA', { campaign: null, hasOneClickUnsubscribe: false, unsubscribeToken: 'v1.u.ws_1.ns_2....AAAAAAAAAAAAAAAAAAAAAA' }],
    [{}, 'How do I unsubscribe from this?', { campaign: null, hasOneClickUnsubscribe: false, unsubscribeToken: null }],
  ])('%j, subject %j → %j', (fields, subject, expected) => {
    expect(newsletterMarkOf(h(fields), subject)).toEqual(expected);
  });

  it.each([
    ['out', { campaign: 'nc_1', hasOneClickUnsubscribe: false, unsubscribeToken: null }, true],
    ['internal', { campaign: null, hasOneClickUnsubscribe: true, unsubscribeToken: null }, true],
    // Someone else's newsletter we received is not ours.
    ['in', { campaign: null, hasOneClickUnsubscribe: true, unsubscribeToken: null }, false],
    ['out', { campaign: null, hasOneClickUnsubscribe: false, unsubscribeToken: null }, false],
  ] as const)('%s %j is our own issue: %s', (direction, mark, expected) => {
    expect(isOwnIssue(mark, direction)).toBe(expected);
  });

  it('looks a Message-ID up with and without angle brackets', () => {
    expect(messageIdForms(['<a@b>', 'c@d', '<>'])).toEqual(['a@b', '<a@b>', 'c@d', '<c@d>']);
  });
});
