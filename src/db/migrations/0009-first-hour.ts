/**
 * Every sender and recipient of a mail interaction, own addresses included, so that direction
 * and counterparts can be derived again when the workspace's own addresses change. Frozen in
 * time like every migration (Kysely<any>, no app imports). Mail imported before it has none.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('interactions').addColumn('addresses', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('interactions').dropColumn('addresses').execute();
  },
};
