/**
 * quickIdentity lets the import count an already stored message as a duplicate without
 * parsing it; it must never name an identity other than the one parseMail would give.
 */
import { describe, expect, it } from 'vitest';
import { parseMail, quickIdentity, type ParseContext } from './parse-message.js';

const ctx: ParseContext = { own_addresses: ['me@acme.example'], own_domains: [], include_lists: false, competitors: [], knowledgeUrls: [] };
const bytes = (text: string) => new TextEncoder().encode(text);

describe('quickIdentity', () => {
  it.each([
    ['a plain Message-ID', 'From: a@x.example\nMessage-ID: <m1@x.example>\nSubject: Hi\n\nBody\n', '<m1@x.example>'],
    ['CRLF lines, lower-case field name', 'From: a@x.example\r\nmessage-id:   <m2@x.example>\r\n\r\nBody\r\n', '<m2@x.example>'],
    ['a folded field', 'From: a@x.example\nMessage-ID:\n <m3@x.example>\n\nBody\n', '<m3@x.example>'],
    ['a bare id without brackets', 'From: a@x.example\nMessage-Id: m4@x.example\n\nBody\n', '<m4@x.example>'],
  ])('reads %s like parseMail', async (_name, text, expected) => {
    expect(quickIdentity(bytes(text))).toBe(expected);
    const parsed = await parseMail(bytes(text), { fileTime: 0 }, ctx);
    expect(parsed.ok && parsed.mail.identity).toBe(expected);
  });

  it.each([
    ['no Message-ID', 'From: a@x.example\nSubject: Hi\n\nBody\n'],
    ['two Message-ID fields', 'From: a@x.example\nMessage-ID: <a@x>\nMessage-ID: <b@x>\n\nBody\n'],
    ['no end of the header block', 'From: a@x.example\nMessage-ID: <m5@x.example>\n'],
    ['a Message-ID only in the body', 'From: a@x.example\n\nMessage-ID: <m6@x.example>\n'],
  ])('abstains with %s', (_name, text) => {
    expect(quickIdentity(bytes(text))).toBeNull();
  });
});
