/**
 * Nearest-rank percentiles (SPEC §4): the ⌈q·n⌉-th smallest value. q·n is rounded to 9
 * decimals before the ceiling because binary floating point makes 0.9 × 70 = 63.000…01,
 * which would otherwise pick the 64th value instead of the 63rd.
 */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(Math.round(q * sorted.length * 1e9) / 1e9));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function median(values: readonly number[]): number | null {
  return nearestRank(values, 0.5);
}
