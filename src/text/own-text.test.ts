import { describe, expect, it } from 'vitest';
import { ownText, specOwnText } from './own-text.js';

describe('specOwnText (SPEC §4.1)', () => {
  it.each([
    ['plain text stays', 'Thanks, see you Monday.', 'Thanks, see you Monday.'],
    ['cuts at a line "--"', 'Thanks!\n--\nJane Doe\nACME', 'Thanks!'],
    ['cuts at the usual "-- " delimiter', 'Thanks!\n-- \nJane', 'Thanks!'],
    ['"--" inside a line is not a signature', 'a fix -- not a signature\nmore', 'a fix -- not a signature\nmore'],
    ['"---" is not the delimiter', 'Hi\n---\nmore', 'Hi\n---\nmore'],
    ['cuts at "On … wrote:"', 'Perfect.\n\nOn Mon, Apr 2, 2012 at 6:26 PM, Bob <b@x.org> wrote:\n\n> Hi', 'Perfect.'],
    ['a wrapped "On … wrote:" is two lines, neither of them the header line', ':+1:\r\n\r\nOn Tue, Sep 25, 2012 at 8:59 AM, Chris\r\n<n@github.com>wrote:\r\n\r\n> Steps', ':+1:\n\nOn Tue, Sep 25, 2012 at 8:59 AM, Chris\n<n@github.com>wrote:'],
    ['drops lines starting with ">" (interleaved)', 'ok\n> your question?\nthanks', 'ok\nthanks'],
    ['an "On" sentence is not a header', 'On your host run:\n  telnet\nIt works.', 'On your host run:\n  telnet\nIt works.'],
    ['"Hi," above the header stays', 'Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, A wrote:\n> q\nanswer', 'Hi,'],
    ['does not know Outlook headers (SPEC is narrower)', 'Hi\n-----Original Message-----\nFrom: a', 'Hi\n-----Original Message-----\nFrom: a'],
    ['empty', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(specOwnText(input)).toBe(expected);
  });
});

describe('ownText', () => {
  it.each([
    ['Outlook original message', 'Sure.\n\n-----Original Message-----\nFrom: Bob\nSent: Monday\n\nOld text', 'Sure.'],
    ['Zimbra/Yahoo original message', 'Hello\n\n----- Original Message -----\nFrom: bob@x.org\nOld', 'Hello'],
    ['Outlook From/Sent block', 'Reply here\n\nFrom: CRM [crm@example.com]\nSent: Friday, 23 March 2012\nTo: John\nSubject: x\n\nold', 'Reply here'],
    ['Outlook bold block', 'Reply\n\n *From:* Team [mailto:t@g.com]\n*Sent:* Thursday\n\nold', 'Reply'],
    ['German Outlook block', 'Danke\n\nVon: Max\nGesendet: Montag\nAn: Eva\n\nalt', 'Danke'],
    ['"From:" in prose without header fields stays', 'From: my side all good.\nSee you.', 'From: my side all good.\nSee you.'],
    ['French header', 'Merci !\n\nLe 3 avr. 2012 à 16:19, Bob <b@x.fr> a écrit :\n\n> Salut', 'Merci !'],
    ['German header', 'Danke!\n\nAm 02.04.2012 um 14:20 schrieb Bob <b@x.de>:\n\n> Hallo', 'Danke!'],
    ['Spanish header', 'Gracias\n\nEl 2 abr 2012, a las 14:20, Bob escribió:\n> Hola', 'Gracias'],
    ['Gmail forward', 'FYI\n\n---------- Forwarded message ---------\nFrom: A\nold', 'FYI'],
    ['Apple forward', 'See below\n\nBegin forwarded message:\n\nFrom: A', 'See below'],
    ['Sent from my iPhone', 'Here is another email\n\nSent from my iPhone', 'Here is another email'],
    ['Sent from my Verizon Wireless BlackBerry', 'Hi\n\nSent from my Verizon Wireless BlackBerry', 'Hi'],
    ['Get Outlook for iOS', 'Yes\n\nGet Outlook for iOS', 'Yes'],
    ['"Sent from my desk, …" is prose', 'Hi\n\nSent from my desk, is much easier then my mobile phone.', 'Hi\n\nSent from my desk, is much easier then my mobile phone.'],
    ['Mailman footer', 'Question?\n\n_______________________________________________\nlist mailing list', 'Question?'],
    ['bottom-posted reply keeps the text below the quote', 'On 04/02/2012 06:26 PM, Megan One wrote:\n> Hi\nHello', 'Hello'],
    ['greeting above a bottom-posted reply', 'Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, A wrote:\n> q?\n\nanswer\n\n> sig', 'Hi,\n\nanswer'],
    ['top post with quote and list footer', 'Oh thanks.\n\nOn 01/03/11 7:07 PM, R wrote:\n> q\n\n____________\nfooter', 'Oh thanks.'],
    ['"As you wrote:" with a quote is not a header', 'Agreed.\nAs you wrote:\n> ship it\nLet us do it.', 'Agreed.\nAs you wrote:\nLet us do it.'],
    ['blank runs collapse and trailing spaces go', 'a  \n\n\n\nb\t\n', 'a\n\nb'],
  ])('%s', (_name, input, expected) => {
    expect(ownText(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = ownText('Sure!\n\nSent from my iPhone\n\nOn Apr 3, 2012, at 4:19 PM, bob wrote:\n> Hi');
    expect(ownText(once)).toBe(once);
  });

  it('runs in linear time on a long line of quote markers', () => {
    const evil = `On ${'x '.repeat(50_000)}\n${'>'.repeat(200_000)}\n${'On a '.repeat(20_000)}wrote`;
    const start = performance.now();
    ownText(evil);
    specOwnText(evil);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
