import { describe, expect, it } from 'vitest';
import { isAutomatedMessage } from './automated.js';

const person = { from: 'jane@example.com' };

describe('isAutomatedMessage (SPEC §3.3)', () => {
  it.each([
    ['a person', person, false],
    ['no sender', { from: null }, false],
    ['Auto-Submitted: auto-replied', { ...person, autoSubmitted: 'auto-replied' }, true],
    ['Auto-Submitted: auto-generated with parameters', { ...person, autoSubmitted: 'auto-generated; owner-email=x@y' }, true],
    ['Auto-Submitted: no', { ...person, autoSubmitted: 'No' }, false],
    ['Auto-Submitted empty', { ...person, autoSubmitted: ' ' }, false],
    ['Precedence: bulk', { ...person, precedence: 'bulk' }, true],
    ['Precedence: JUNK', { ...person, precedence: 'JUNK' }, true],
    ['Precedence: list', { ...person, precedence: ' list ' }, true],
    ['Precedence: first-class', { ...person, precedence: 'first-class' }, false],
    ['List-Id', { ...person, listId: '<dev.maven.apache.org>' }, true],
    ['List-Unsubscribe', { ...person, listUnsubscribe: '<mailto:u@x>' }, true],
    ['noreply', { from: 'noreply@shop.com' }, true],
    ['no-reply with a name', { from: 'Shop <No-Reply@shop.com>' }, true],
    ['donotreply', { from: 'DoNotReply@x.com' }, true],
    ['do-not-reply', { from: 'do-not-reply@x.com' }, true],
    ['MAILER-DAEMON', { from: 'MAILER-DAEMON@mx.x.com' }, true],
    ['postmaster', { from: 'postmaster@x.com' }, true],
    ['bounce', { from: 'bounce@x.com' }, true],
    ['bounces', { from: 'bounces@x.com' }, true],
    ['notification', { from: 'notification@x.com' }, true],
    ['notifications', { from: 'notifications@github.com' }, true],
    ['whole local part only: noreply-team', { from: 'noreply-team@x.com' }, false],
    ['whole local part only: bounces+abc', { from: 'bounces+abc@x.com' }, false],
    ['whole local part only: jnoreply', { from: 'jnoreply@x.com' }, false],
  ])('%s → %s', (_name, headers, expected) => {
    expect(isAutomatedMessage(headers, false)).toBe(expected);
  });

  describe('with include_lists', () => {
    it.each([
      ['List-Id is not automated', { ...person, listId: '<dev.x.org>' }, false],
      ['List-Unsubscribe is not automated', { ...person, listUnsubscribe: '<mailto:u@x>' }, false],
      ['Precedence: bulk on a list post is ignored', { ...person, listId: '<dev.x.org>', precedence: 'bulk' }, false],
      ['Precedence: bulk without list headers still counts', { ...person, precedence: 'bulk' }, true],
      ['Auto-Submitted on a list post still counts', { ...person, listId: '<dev.x.org>', autoSubmitted: 'auto-generated' }, true],
      ['a noreply sender on a list still counts', { from: 'noreply@x.org', listId: '<dev.x.org>' }, true],
    ])('%s', (_name, headers, expected) => {
      expect(isAutomatedMessage(headers, true)).toBe(expected);
    });
  });
});
