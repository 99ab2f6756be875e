/**
 * A covering index for health (issue 4): a rescore walks the messages of every contact's
 * threads; with this index that read never touches the table rows (which carry the bodies).
 * (A covering index on interaction_contacts was tried and dropped: without statistics SQLite
 * then picked it for primary-key lookups and scanned the whole workspace per row.)
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('interactions_thread_cover_idx')
      .on('interactions')
      .columns(['workspace_id', 'thread_id', 'kind', 'automated', 'occurred_at', 'id', 'direction', 'is_closer'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('interactions_thread_cover_idx').execute();
  },
};
