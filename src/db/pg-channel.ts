/**
 * A PostgreSQL LISTEN/NOTIFY channel between the processes that share one database, so
 * that what one process caches another can invalidate. The listening connection reconnects
 * by itself after a lost connection (a restart of the server), with backoff, and then
 * reports '*': notifications sent while it was away are lost, so everything is stale.
 */
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from './database.js';

export interface Channel {
  publish(payload: string): Promise<void>;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

export function openPgChannel(db: Db, url: string, name: string, onMessage: (payload: string) => void): Channel {
  let client: pg.Client | null = null;
  let closed = false;
  let backoff = 500;
  let timer: NodeJS.Timeout | undefined;

  const reconnectLater = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, backoff);
    timer.unref();
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  };

  async function connect(isFirst = false): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client === next) client = null;
      reconnectLater();
    });
    next.on('notification', (message) => {
      if (message.channel === name) onMessage(message.payload ?? '*');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(name)}`);
    } catch {
      await next.end().catch(() => undefined);
      reconnectLater();
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    backoff = 500;
    if (!isFirst) onMessage('*');
  }

  const ready = connect(true);
  return {
    async publish(payload) {
      await sql`select pg_notify(${name}, ${payload})`.execute(db.kysely);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await ready;
      await client?.end().catch(() => undefined);
    },
  };
}
