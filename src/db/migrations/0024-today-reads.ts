/**
 * Suggestions by creation time: once the day's plan is made, each read of Today looks only for
 * owed suggestions created after the plan. Without this index that question read every
 * suggestion of the workspace (6 ms at 3,000 contacts on each read); with it, the few new ones.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

const NAME = 'suggestions_created_idx';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex(NAME).on('suggestions').columns(['workspace_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex(NAME).execute();
  },
};
