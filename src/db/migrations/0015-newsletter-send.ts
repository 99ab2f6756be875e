/**
 * The newsletter's per-workspace signing key: click, open, unsubscribe and confirm links carry
 * tokens signed with it (HMAC), so it lives in the database every sender and the public
 * endpoints share, apart from the settings (which members can read) and never in a URL.
 * Frozen in time like every migration.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('newsletter_keys')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      // base64 of 32 random bytes.
      .addColumn('token_secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_keys_pk', ['workspace_id'])
      .execute();
  },

  async down(db: Kysely<any>) {
    await db.schema.dropTable('newsletter_keys').execute();
  },
};
