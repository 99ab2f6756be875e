/**
 * The double opt-in's mail log: when the last confirmation mail went to a subscriber, so that
 * a form posted again and again mails an address at most once an hour. Frozen in time like
 * every migration.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('newsletter_confirm_mails')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('subscriber_id', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_confirm_mails_pk', ['workspace_id', 'subscriber_id'])
      .execute();
  },

  async down(db: Kysely<any>) {
    await db.schema.dropTable('newsletter_confirm_mails').execute();
  },
};
