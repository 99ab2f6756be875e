/**
 * Who else has the embedded database open. Each process that opens a SQLite file records its
 * pid and command in `<file>-processes/<pid>.json` and removes it when it closes, so that a
 * write that waited too long can say who it waited for. The writer holding the lock is found
 * in /proc/locks (Linux): in WAL mode SQLite holds a POSIX lock on byte 120 of the -shm file
 * while it writes. Entries of processes that died are ignored and swept. A process that had
 * to wait for the lock says so with `<pid>.waiting` (markWaiting), so that a long import lets
 * it in between two batches.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Offset of WAL_WRITE_LOCK in the -shm file (UNIX_SHM_BASE of SQLite's unix VFS). */
const WAL_WRITE_LOCK_BYTE = 120;

export interface Holder {
  pid: number;
  command: string;
  since: number;
}

function folderOf(file: string): string {
  return `${file}-processes`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Records this process as a user of `file`; returns the function that removes the record. */
export function registerHolder(file: string, command: string): () => void {
  const path = join(folderOf(file), `${process.pid}.json`);
  try {
    mkdirSync(folderOf(file), { recursive: true });
    writeFileSync(path, JSON.stringify({ pid: process.pid, command, since: Date.now() } satisfies Holder));
  } catch {
    return () => undefined; // a read-only folder: the record only improves a message
  }
  return () => rmSync(path, { force: true });
}

/** The other live processes that have `file` open, oldest first. */
export function listHolders(file: string): Holder[] {
  let names: string[];
  try {
    names = readdirSync(folderOf(file));
  } catch {
    return [];
  }
  const holders: Holder[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(folderOf(file), name);
    try {
      const holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
      if (holder.pid === process.pid) continue;
      if (isAlive(holder.pid)) holders.push(holder);
      else rmSync(path, { force: true });
    } catch {
      // written at this very moment, or not ours: skip it
    }
  }
  return holders.sort((a, b) => a.since - b.since);
}

/**
 * Marks this process as waiting for the write lock of `file` until the returned function is
 * called. SQLite's busy handler polls (every 100 ms once it has waited a while), so a process
 * that commits batch after batch would win nearly every time; it lets waiters in instead (see
 * hasWaitingWriters).
 */
export function markWaiting(file: string): () => void {
  const path = join(folderOf(file), `${process.pid}.waiting`);
  try {
    mkdirSync(folderOf(file), { recursive: true });
    writeFileSync(path, '');
  } catch {
    return () => undefined;
  }
  return () => rmSync(path, { force: true });
}

/** True when another live process is waiting for the write lock of `file`. */
export function hasWaitingWriters(file: string): boolean {
  let names: string[];
  try {
    names = readdirSync(folderOf(file));
  } catch {
    return false;
  }
  return names.some((name) => {
    if (!name.endsWith('.waiting')) return false;
    const pid = Number(name.slice(0, -'.waiting'.length));
    return pid !== process.pid && isAlive(pid);
  });
}

/** The pid holding the write lock of a WAL database, from /proc/locks; null when unknown. */
export function findWriterPid(file: string): number | null {
  try {
    const inode = statSync(`${file}-shm`).ino;
    for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
      // "3: POSIX  ADVISORY  WRITE 1234 08:01:5678 120 120"
      const f = line.trim().split(/\s+/);
      if (f[1] !== 'POSIX' || f[3] !== 'WRITE') continue;
      const [start, end] = [Number(f[6]), f[7] === 'EOF' ? Number.POSITIVE_INFINITY : Number(f[7])];
      if (f[5]?.split(':')[2] === String(inode) && start <= WAL_WRITE_LOCK_BYTE && end >= WAL_WRITE_LOCK_BYTE) {
        const pid = Number(f[4]);
        if (pid !== process.pid) return pid;
      }
    }
  } catch {
    // not Linux, or no -shm file: the registry alone will have to do
  }
  return null;
}

/** The message of a write that waited `waitedMs` for the lock of `file` and gave up. */
export function describeBusy(file: string, waitedMs: number): string {
  const seconds = `${Math.round(waitedMs / 1000)} s`;
  const holders = listHolders(file);
  const writer = findWriterPid(file);
  const name = (h: Holder) => `${h.command} (pid ${h.pid})`;
  const holder = holders.find((h) => h.pid === writer);
  if (holder) return `the database is busy: ${name(holder)} has held it for ${seconds}; retry when it is done, or stop it`;
  if (writer !== null) return `the database is busy: process ${writer} has held it for ${seconds}; retry when it is done, or stop it`;
  if (holders.length > 0) {
    return `the database stayed busy for ${seconds}; also using it: ${holders.map(name).join(', ')}; retry, or stop one of them`;
  }
  return `the database stayed busy for ${seconds} (another program is writing to ${file}); retry`;
}
