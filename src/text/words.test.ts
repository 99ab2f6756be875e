import { describe, expect, it } from 'vitest';
import { extractUrls, literalPhrase, proseOf, sentencesOf, wholeWords } from './words.js';

describe('wholeWords', () => {
  it.each([
    ['tips?', 'two tips here', true],
    ['tips?', 'tipping point', false],
    ['won', "I won't", false],
    ['won', "'won' he said", true],
    ['thank you', 'thank\n you', true],
    ["you'd", 'you’d like it', true],
    ['a ?b', 'ab', true],
    ['ok', 'TOKEN', false],
  ])('%j in %j → %s', (source, text, expected) => {
    expect(wholeWords(source).test(text)).toBe(expected);
  });
});

describe('literalPhrase', () => {
  it('is null for blank input, so a blank setting matches nothing', () => {
    expect(literalPhrase('  ')).toBeNull();
  });

  it('escapes regular-expression characters', () => {
    expect(literalPhrase('a.b')!.test('aXb')).toBe(false);
    expect(literalPhrase('(x)')!.test('see (x) here')).toBe(true);
  });
});

describe('proseOf and extractUrls', () => {
  it.each([
    ['See https://x.com/a?b=1.', 'See  .', ['https://x.com/a?b=1']],
    ['(www.example.com/tips)', '( )', ['www.example.com/tips']],
    ['at example.org/guide, ok', 'at  , ok', ['example.org/guide']],
    ['mail jo@example.com?', 'mail  ?', []],
    ['and/or 1/2', 'and/or 1/2', []],
    ['no links', 'no links', []],
  ])('%j', (text, prose, urls) => {
    expect(proseOf(text)).toBe(prose);
    expect(extractUrls(text)).toEqual(urls);
  });
});

describe('sentencesOf', () => {
  it.each([
    ['One. Two? Three!', ['One.', 'Two?', 'Three!']],
    ['wrapped\nline. Next', ['wrapped line.', 'Next']],
    ['v1.2 is out', ['v1.2 is out']],
    ['Para one\n\nPara two', ['Para one', 'Para two']],
    ['List:\n- a\n- b?', ['List:', '- a', '- b?']],
    ['Wait… what', ['Wait…', 'what']],
    ['', []],
  ])('%j', (text, sentences) => {
    expect(sentencesOf(text)).toEqual(sentences);
  });
});
