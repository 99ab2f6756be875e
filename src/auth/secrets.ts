/**
 * Random secrets and their storage form. Tokens carry 256 bits of randomness, so a plain
 * SHA-256 is enough to store them (a slow hash is for low-entropy passwords only).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../shared/ids.js';

/** `rap_…`, `rses_…`: the prefix tells a leaked secret's kind to scanners and humans. */
export function randomSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A sortable id with a prefix that shared/ids.ts does not list (ses, inv, au, whd): the
 * time-ordered body of newId under another two- or three-letter prefix.
 */
export function idWith(prefix: 'ses' | 'inv' | 'au' | 'whd'): string {
  return `${prefix}_${newId('wh').slice(3)}`;
}
