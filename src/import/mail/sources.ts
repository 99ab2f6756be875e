/**
 * Mail sources: an mbox file, one message file, or a folder of message files (Maildir trees,
 * folders of .eml). Each yields raw messages with the position to resume after them.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, relative } from 'node:path';
import type { Fallback } from './parse-message.js';
import { readMbox } from './mbox-reader.js';

export type MailFormat = 'mbox' | 'eml' | 'maildir';

export interface SourceItem {
  raw: Uint8Array | null;
  /** Why the item is not a message (raw is null). */
  skipped?: string;
  where: string;
  /** The file the message came from (the `source` of its interaction). */
  file: string;
  /** Position to resume from after this item. */
  next: number;
  fallback: Fallback;
}

export interface MailSource {
  path: string;
  format: MailFormat;
  isFolder: boolean;
  fingerprint: string;
  /** Total for progress: bytes (mbox) or files. */
  total: number;
  unit: 'bytes' | 'messages';
  /** Prefix of the interactions' `source` (default `file`; IMAP sync: `imap`; sent from Rapport: `smtp`). */
  scheme?: 'file' | 'imap' | 'smtp';
  items(position: number, firstIndex: number): AsyncGenerator<SourceItem>;
}

async function fileFingerprint(path: string, size: number, mtimeMs: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    await handle.read(head, 0, head.length, 0);
    return `${size}:${Math.floor(mtimeMs)}:${createHash('sha256').update(head).digest('hex').slice(0, 32)}`;
  } finally {
    await handle.close();
  }
}

export async function openMbox(path: string): Promise<MailSource> {
  const info = await stat(path);
  const fingerprint = await fileFingerprint(path, info.size, info.mtimeMs);
  return {
    path,
    format: 'mbox',
    isFolder: false,
    fingerprint,
    total: info.size,
    unit: 'bytes',
    async *items(position, firstIndex) {
      let n = firstIndex;
      for await (const m of readMbox(path, position)) {
        n += 1;
        yield {
          raw: m.raw,
          skipped: m.skipped,
          where: `${path}: message ${n} (byte ${m.offset})`,
          file: path,
          next: m.end,
          fallback: { envelope: m.envelope, fileTime: info.mtimeMs },
        };
      }
    },
  };
}

/** Message files under a folder, sorted: for Maildir, every file outside `tmp/`; else `*.eml`. */
export async function listMessageFiles(dir: string, format: 'eml' | 'maildir'): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) {
        if (format === 'maildir' && e.name === 'tmp') continue; // messages being delivered
        await walk(full);
      } else if (e.isFile() && (format === 'maildir' || /\.eml$/i.test(e.name))) {
        out.push(full);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

/** Messages in files: one file, a folder's `*.eml` or Maildir tree, or the given `files` found under the folder `path`. */
export async function openMessageFiles(path: string, format: 'eml' | 'maildir', isFolder: boolean, given?: string[]): Promise<MailSource> {
  const files = given ?? (isFolder ? await listMessageFiles(path, format) : [path]);
  const hash = createHash('sha256');
  const infos: Stats[] = [];
  for (const f of files) {
    const info = await stat(f);
    infos.push(info);
    hash.update(`${relative(path, f)}\u0000${info.size}\u0000${Math.floor(info.mtimeMs)}\n`);
  }
  const fingerprint = isFolder ? `files:${files.length}:${hash.digest('hex').slice(0, 32)}` : await fileFingerprint(path, infos[0]!.size, infos[0]!.mtimeMs);
  return {
    path,
    format,
    isFolder,
    fingerprint,
    total: files.length,
    unit: 'messages',
    async *items(position) {
      for (let i = position; i < files.length; i++) {
        const file = files[i]!;
        let raw: Uint8Array | null = null;
        let skipped: string | undefined;
        try {
          const bytes = await readFile(file);
          if (bytes.length === 0) skipped = 'empty file';
          else raw = bytes;
        } catch (error) {
          skipped = `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
        }
        yield { raw, skipped, where: file, file, next: i + 1, fallback: { fileTime: infos[i]!.mtimeMs } };
      }
    },
  };
}
