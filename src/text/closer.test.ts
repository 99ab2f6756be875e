import { describe, expect, it } from 'vitest';
import { isCloser } from './closer.js';
import { countWords } from './words.js';

describe('countWords', () => {
  it.each([
    ['', 0],
    ['   \n ', 0],
    ['Thanks!', 1],
    ["don't it's", 2],
    ['it’s fine', 2],
    ['snake_case and 42', 3],
    ['e-mail', 2],
    ['Müller café naïve', 3],
    ['日本 語', 2],
    ["'ok'", 1],
    ['... --- !!!', 0],
  ])('%j has %i words', (text, n) => {
    expect(countWords(text)).toBe(n);
  });
});

const ELEVEN = 'thanks one two three four five six seven eight nine ten';
const TWELVE = `${ELEVEN} eleven`;

describe('isCloser (SPEC §4.1)', () => {
  it.each([
    ['Thanks!', true],
    ['thanks', true],
    ['THANK YOU', true],
    ['Thank\n  you so much', true],
    ['Thank-you!', true],
    ['Cheers, Bob', true],
    ['great!', true],
    ['Perfect.', true],
    ['OK', true],
    ['ok, will do', true],
    ['okay', false],
    ['token received', false],
    ['Thanksgiving plans', false],
    ['Thanks?', false],
    ['Thanks! Can we meet on Friday?', false],
    ['Thank goodness', false],
    ['you thank', false],
    ['Sounds good, see you then', false],
    ['', false],
    [ELEVEN, true],
    [TWELVE, false],
  ])('%j → %s', (text, expected) => {
    expect(isCloser(text)).toBe(expected);
  });

  it('counts words with the SPEC definition at the 11/12 boundary', () => {
    expect(countWords(ELEVEN)).toBe(11);
    expect(countWords(TWELVE)).toBe(12);
  });
});
