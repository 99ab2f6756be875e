import { describe, expect, it } from 'vitest';
import { SENTIMENT_ALPHA, afinnScore, sentimentOf } from './sentiment.js';

describe('sentimentOf', () => {
  it.each([
    ['', null],
    ['  \n', null],
    ['The meeting is at 10.', 0],
  ])('%j → %s', (text, expected) => {
    expect(sentimentOf(text)).toBe(expected);
  });

  it('maps the AFINN sum x to x / sqrt(x² + 25), rounded to 3 decimals', () => {
    expect(SENTIMENT_ALPHA).toBe(25);
    expect(afinnScore('This is great')).toBe(3);
    expect(sentimentOf('This is great')).toBe(Math.round((3 / Math.sqrt(34)) * 1000) / 1000);
    expect(sentimentOf('This is great')).toBeCloseTo(0.514, 3);
  });

  it.each([
    ['We love it, thank you so much, this is fantastic!', 0.8, 1],
    ['Good', 0.45, 0.55],
    ['This is terrible and I am very disappointed', -1, -0.6],
    ['I am not happy with this', -1, -0.3],
    ['Thanks 😂', 0.3, 1],
  ])('%j is in [%d, %d]', (text, min, max) => {
    const s = sentimentOf(text)!;
    expect(s).toBeGreaterThanOrEqual(min);
    expect(s).toBeLessThanOrEqual(max);
  });

  it('stays inside [-1, 1] for long texts and is deterministic', () => {
    const long = 'great wonderful amazing '.repeat(500);
    expect(sentimentOf(long)).toBeLessThanOrEqual(1);
    expect(sentimentOf(long)).toBeGreaterThan(0.99);
    expect(sentimentOf('awful horrible '.repeat(500))).toBeGreaterThanOrEqual(-1);
    expect(sentimentOf('nice work')).toBe(sentimentOf('nice work'));
  });

  it('orders texts the way a reader would', () => {
    expect(sentimentOf('good')!).toBeLessThan(sentimentOf('good, thanks, great')!);
    expect(sentimentOf('bad')!).toBeGreaterThan(sentimentOf('bad, awful, terrible')!);
  });
});
