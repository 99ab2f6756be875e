/**
 * Password hashing with node:crypto scrypt (RFC 7914): no native dependency, memory-hard.
 * Stored form: `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later
 * without invalidating old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors.js';

// OWASP's guidance for scrypt: N=2^17, r=8, p=1, which takes 128 MiB (128·N·r bytes) per hash.
// Hashes made with other parameters still verify, and are replaced at the next sign-in.
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEY_LEN = 32;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N: n, r, p, maxmem: 256 * n * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** @throws validation when the password is too short or too long. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(`password: use at least ${MIN_PASSWORD_LENGTH} characters`, [
      { where: 'password', reason: `shorter than ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  if (password.length > MAX_PASSWORD_LENGTH) throw new ValidationError(`password: at most ${MAX_PASSWORD_LENGTH} characters`);
  return hashWith(password, N, R, P);
}

/** A hash with the given parameters; hashPassword uses today's. Exported for tests of old hashes. */
export async function hashWith(password: string, n: number, r: number, p: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, n, r, p);
  return ['scrypt', n, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when a stored hash was made with other parameters than today's. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) !== N || Number(r) !== R || Number(p) !== P;
}

/** True when `password` matches `stored`; false for any malformed stored value. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored || password.length > MAX_PASSWORD_LENGTH) return false;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash to compare against when the user does not exist, so that timing does not reveal it. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('not-a-real-password-0');
  return dummy;
}
