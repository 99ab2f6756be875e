/**
 * Request counts of the rate limits, shared by every server of one PostgreSQL database (a
 * limit counted per process would let N servers allow N times the limit). One row per limit
 * and client key, for the current fixed window. Not tenant data: the key names a client
 * address or a token, so it is kept on the coordinator on Citus. Frozen in time.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('rate_limit_hits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limit_hits_window_idx').on('rate_limit_hits').column('window_start').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('rate_limit_hits').execute();
  },
};
