/**
 * The recent inbound mail of a workspace read from the index alone: Reports look up which
 * threads had an inbound email in the last thirteen weeks, and with only (workspace, kind,
 * time) indexed each of those ~100,000 rows at 10,000 contacts was a lookup into the wide
 * interactions table. The (workspace, kind, time) index gets the three columns that query
 * reads, after its own: it serves every query that used it as before, and import still
 * maintains one index. Direction comes after the time on purpose: leading with it made SQLite
 * prefer this index over the thread index for whole-thread reads.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

const NAME = 'interactions_kind_time_idx';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex(NAME).execute();
    await db.schema.createIndex(NAME).on('interactions').columns(['workspace_id', 'kind', 'occurred_at', 'direction', 'automated', 'thread_id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex(NAME).execute();
    await db.schema.createIndex(NAME).on('interactions').columns(['workspace_id', 'kind', 'occurred_at']).execute();
  },
};
