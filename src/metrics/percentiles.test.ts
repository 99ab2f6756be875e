import { describe, expect, it } from 'vitest';
import { median, nearestRank } from './percentiles.js';

describe('nearest-rank percentiles', () => {
  it.each([
    ['empty', [], 0.5, null],
    ['one value', [7], 0.9, 7],
    ['median of 4 is the 2nd smallest, not a mean', [40, 10, 30, 20], 0.5, 20],
    ['median of 5 is the 3rd', [5, 1, 4, 2, 3], 0.5, 3],
    ['p90 of 10 is the 9th', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    ['p90 of 11 is the 10th (⌈9.9⌉)', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9, 10],
    ['p90 of 70 is the 63rd despite 0.9×70 = 63.000…01', Array.from({ length: 70 }, (_, i) => i + 1), 0.9, 63],
  ])('%s', (_name, values, q, expected) => {
    expect(nearestRank(values, q)).toBe(expected);
  });
  it('median is the 0.5 rank', () => expect(median([3, 1, 2])).toBe(2));
});
