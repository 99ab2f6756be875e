/**
 * A throwaway Dovecot for tests and the sync bench: its own config, passwd-file and Maildir
 * under a folder in /var/tmp (Dovecot drops privileges, so the folder must be readable by its
 * users: not under a mode-0700 temp folder), listening on a free loopback port. Messages are
 * added with APPEND, so that Dovecot assigns UIDs as a mail server would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

export const DOVECOT_BIN = '/usr/sbin/dovecot';
export const hasDovecot = existsSync(DOVECOT_BIN);

export interface TestDovecot {
  port: number;
  user: string;
  password: string;
  dir: string;
  /** A connected client as the test user (for setting up folders and messages). */
  client(): Promise<ImapFlow>;
  append(folder: string, raw: Buffer | string, date?: Date): Promise<void>;
  /** Appends the files in order over one connection; creates the folder when missing. */
  appendFiles(folder: string, files: string[]): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops Dovecot and deletes its folder. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, rawlog: boolean): string {
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
${rawlog ? `# What clients sent (*.in) and got (*.out), a file per session: tests count the commands a sync costs.\nrawlog_dir = ${dir}/rawlog` : ''}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
}
`;
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}; see ${log}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot did not listen on ${port}; see ${log}`);
}

/** `rawlog`: Dovecot writes each session's traffic under `<dir>/rawlog` (off for the bench: it writes every message again). */
export async function startDovecot(options: { rawlog?: boolean } = {}): Promise<TestDovecot> {
  mkdirSync('/var/tmp/rapport-tests', { recursive: true });
  chmodSync('/var/tmp/rapport-tests', 0o755);
  const dir = mkdtempSync('/var/tmp/rapport-tests/dovecot-');
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'rawlog']) mkdirSync(join(dir, sub), { mode: 0o777 });
  // Dovecot (running as its user) creates the Maildir and the raw logs; the folders must be its to write.
  chmodSync(join(dir, 'mail'), 0o777);
  chmodSync(join(dir, 'rawlog'), 0o777);
  const port = await freePort();
  const user = 'ada';
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
  writeFileSync(join(dir, 'passwd'), `${user}:${password}::::::\n`, { mode: 0o644 });
  writeFileSync(join(dir, 'dovecot.conf'), config(dir, port, options.rawlog ?? false));
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(DOVECOT_BIN, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
    await waitForPort(port, child, join(dir, 'dovecot.log'));
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    await exited;
  };
  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
    await c.connect();
    return c;
  };
  await start();
  return {
    port,
    user,
    password,
    dir,
    client,
    start,
    stop,
    async append(folder, raw, date) {
      const c = await client();
      try {
        await c.mailboxCreate(folder).catch(() => undefined);
        await c.append(folder, raw, [], date);
      } finally {
        await c.logout();
      }
    },
    async appendFiles(folder, files) {
      const c = await client();
      try {
        await c.mailboxCreate(folder).catch(() => undefined);
        for (const f of files) await c.append(folder, readFileSync(f));
      } finally {
        await c.logout();
      }
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
