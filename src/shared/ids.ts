import { randomBytes } from 'node:crypto';

/**
 * Identifiers are short, prefixed and sortable by creation time: `ct_` + 9 base-32 digits of
 * milliseconds + 7 of counter/randomness. Sorting ids of one process preserves creation order,
 * which import relies on to break ties between messages with the same timestamp.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix = 'ws' | 'usr' | 'ct' | 'co' | 'fa' | 'cm' | 'kn' | 'ix' | 'th' | 'sg' | 'tok' | 'im' | 'wh' | 'job' | 'nl' | 'ns' | 'nc' | 'ne';

export type IdGenerator = (prefix: IdPrefix) => string;

function encode(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

let lastMs = 0;
let counter = 0n;

/** Monotonic within this process even when many ids share a millisecond. */
export const newId: IdGenerator = (prefix) => {
  const ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = BigInt(randomBytes(4).readUInt32BE(0)) << 3n;
  } else {
    counter += 1n;
  }
  return `${prefix}_${encode(BigInt(lastMs), 9)}${encode(counter, 7)}`;
};

/** Deterministic ids for reproducible data sets (demo, tests): the sequence depends only on the seed. */
export function seededIdGenerator(seed: number, epochMs: number): IdGenerator {
  let n = 0n;
  const base = BigInt(epochMs);
  const salt = BigInt((seed >>> 0) % 1024) << 24n;
  return (prefix) => {
    n += 1n;
    return `${prefix}_${encode(base, 9)}${encode(salt + n, 7)}`;
  };
}
