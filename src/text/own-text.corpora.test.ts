/**
 * Own text over real replies written by mail clients (talon and email_reply_parser fixtures,
 * /work/shared/corpora): the new text stays, quoted history and signatures go.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { ownText, specOwnText } from './own-text.js';
import { CORPORA } from '../test/corpora.js';

const TALON = join(CORPORA, 'reply-quoting-talon/standard_replies');
const GITHUB = join(CORPORA, 'reply-quoting-email-reply-parser');

async function bodyOf(file: string): Promise<string> {
  // mailparser decodes format=flowed correctly (Thunderbird's "> Hi \nHello").
  const mail = await simpleParser(readFileSync(join(TALON, file)));
  return mail.text ?? '';
}

describe('talon standard replies (11 clients)', () => {
  it.each([
    ['android.eml', 'Hello', 'Hi'],
    ['aol.eml', 'Hello', 'Original Message'],
    ['apple_mail.eml', 'Hello', 'wrote'],
    ['apple_mail_2.eml', 'Hello', 'Hi there'],
    ['comcast.eml', 'Hello', 'Original Message'],
    ['gmail.eml', 'Hello', 'wrote'],
    ['hotmail.eml', 'Hello', 'Subject'],
    ['iphone.eml', 'Hello', 'Sent from my iPhone'],
    ['outlook.eml', 'Hello', 'manager'],
    ['sparrow.eml', 'Hello', 'Sparrow'],
    ['thunderbird.eml', 'Hello', 'Hi'],
    ['yahoo.eml', 'Hello', 'Original Message'],
  ])('%s: own text is the new text only', async (file, kept, dropped) => {
    const own = ownText(await bodyOf(file));
    expect(own).toBe(kept);
    expect(own).not.toContain(dropped);
  });

  it('specOwnText cuts "On … wrote:" and ">" lines but not other clients\' headers', async () => {
    expect(specOwnText(await bodyOf('gmail.eml'))).toBe('Hello');
    expect(specOwnText(await bodyOf('apple_mail_2.eml'))).toBe('Hello');
    expect(specOwnText(await bodyOf('sparrow.eml'))).toBe('Hello');
    expect(specOwnText(await bodyOf('aol.eml'))).toContain('-----Original Message-----');
  });
});

describe('email_reply_parser bodies', () => {
  const read = (f: string) => readFileSync(join(GITHUB, f), 'utf8');

  it.each([
    ['email_1_3.txt', 'Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona'],
    ['email_1_4.txt', "Awesome! I haven't had another problem with it."],
    ['email_1_6.txt', 'I get proper rendering as well.'],
    ['email_1_7.txt', ':+1:'],
    ['email_1_8.txt', 'I will reply under this one\n\nand under this.'],
    ['email_2_1.txt', 'Outlook with a reply'],
    ['email_2_2.txt', 'Outlook with a reply directly above line'],
    ['email_2_3.txt', 'Outlook with a reply directly above line'],
    ['email_BlackBerry.txt', 'Here is another email'],
    ['email_iPhone.txt', 'Here is another email'],
    ['email_multi_word_sent_from_my_mobile_device.txt', 'Here is another email'],
    ['correct_sig.txt', 'this is an email with a correct -- signature.'],
  ])('%s', (file, expected) => {
    expect(ownText(read(file))).toBe(expected);
  });

  it('keeps a bottom-posted answer below the greeting (email_1_2)', () => {
    const own = ownText(read('email_1_2.txt'));
    expect(own.startsWith('Hi,\n\nYou can list the keys for the bucket')).toBe(true);
    expect(own).toContain('delete them all individually."');
    expect(own).not.toContain('What is the best way');
    expect(own).not.toContain('riak-users mailing list');
  });

  it('keeps text that only looks like a header or signature', () => {
    expect(ownText(read('greedy_on.txt'))).toContain('the tunnel is not working.');
    expect(ownText(read('greedy_on.txt'))).not.toContain('odd issue');
    expect(ownText(read('email_one_is_not_on.txt'))).toContain('Locally (on development), when I run...');
    expect(ownText(read('email_one_is_not_on.txt'))).not.toContain('lastLocation');
    expect(ownText(read('email_sig_delimiter_in_middle_of_line.txt'))).toContain('kthxbai');
    expect(ownText(read('email_sent_from_my_not_signature.txt'))).toContain('Sent from my desk');
  });

  it('drops the bullets signature of email_bullets and keeps the bullets', () => {
    const own = ownText(read('email_bullets.txt'));
    expect(own).toContain('- and another');
    expect(own).not.toContain('Give us an example');
    expect(own).not.toContain('Joe Smith');
  });

  it('cuts the quote of the pathological reply quickly', () => {
    const own = ownText(read('pathological.txt'));
    expect(own).toBe("I think you're onto something. I will try to fix the problem as soon as I\nget back to a computer.");
  });

  it('handles the 767 KB quoted thread in well under a second', () => {
    const text = read('email_long_quote.txt');
    const start = performance.now();
    const own = ownText(text);
    expect(performance.now() - start).toBeLessThan(500);
    expect(own.startsWith('Hi folks')).toBe(true);
    expect(own.length).toBeLessThan(text.length);
  });
});
