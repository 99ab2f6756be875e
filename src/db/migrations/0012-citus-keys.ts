/**
 * Keys ready for Citus: on a distributed table a unique constraint must include the
 * distribution column, so the token hashes of API tokens and invitations are unique per
 * workspace (still looked up by hash alone, through a plain index). A hash is 256 random
 * bits, so no two workspaces share one in practice. SQLite is never distributed and keeps
 * its stricter global uniqueness: changing it would mean rebuilding both tables.
 * Frozen in time like every migration.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

const TABLES = ['api_tokens', 'invitations'];

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export const migration: Migration = {
  async up(db: Kysely<any>) {
    if (!isPostgres(db)) return;
    for (const table of TABLES) {
      await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_token_hash_key`)}`.execute(db);
      await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_token_hash_key`)} unique (workspace_id, token_hash)`.execute(db);
      await sql`create index ${sql.ref(`${table}_token_hash_idx`)} on ${sql.table(table)} (token_hash)`.execute(db);
    }
  },
  async down(db: Kysely<any>) {
    if (!isPostgres(db)) return;
    for (const table of TABLES) {
      await sql`drop index ${sql.ref(`${table}_token_hash_idx`)}`.execute(db);
      await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_token_hash_key`)}`.execute(db);
      await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_token_hash_key`)} unique (token_hash)`.execute(db);
    }
  },
};
