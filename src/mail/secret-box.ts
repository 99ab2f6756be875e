/**
 * Mail passwords at rest: AES-256-GCM under a key derived from RAPPORT_SECRET, or else from a
 * random key file `mail.key` created with mode 0600 in the data folder. The account's
 * workspace and id are bound in as associated data, so a ciphertext copied onto another
 * account does not decrypt. Stored form: `v1:` + base64(iv | tag | ciphertext).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.js';

export interface KeySource {
  /** RAPPORT_SECRET, when set: the key is derived from it. */
  secret?: string;
  /** The data folder that holds `mail.key` when no secret is set. */
  dataDir: string;
}

export type MailKey = Buffer;

const KEY_FILE = 'mail.key';

/** The 32-byte key; creates the key file (mode 0600) on first use when no secret is set. */
export function loadMailKey(source: KeySource): MailKey {
  if (source.secret) return Buffer.from(hkdfSync('sha256', source.secret, 'rapport', 'mail passwords v1', 32));
  const dir = resolve(source.dataDir);
  const path = join(dir, KEY_FILE);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A key file others can read protects nothing: tighten it rather than use it as found.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new AppError('unavailable', `the mail key file ${path} is damaged (expected 32 bytes in base64)`);
  return key;
}

function aad(workspaceId: string, accountId: string): Buffer {
  return Buffer.from(`${workspaceId}\u0000${accountId}`);
}

export function sealPassword(key: MailKey, workspaceId: string, accountId: string, password: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(workspaceId, accountId));
  const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** @throws unavailable when the key changed since the password was stored. */
export function openPassword(key: MailKey, workspaceId: string, accountId: string, sealed: string): string {
  const bytes = Buffer.from(sealed.replace(/^v1:/, ''), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(aad(workspaceId, accountId));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError(
      'unavailable',
      `cannot decrypt the password of mail account ${accountId}: the key changed (RAPPORT_SECRET or ${KEY_FILE} in the data folder); add the account again`,
    );
  }
}
