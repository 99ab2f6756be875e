/**
 * The incremental suggestion engine (issue 14): per contact, until when its stored
 * suggestions hold (`valid_until`, 0 when its data changed) and a fingerprint of its contact
 * and health row; per workspace, the marks of the data the last run had seen. A run
 * recomputes only the contacts whose time has come or whose data changed. A reply's words
 * follow business time (every few minutes for someone): `reply_until` says when, and
 * `replies` holds what the reply rule reads (the contact and its waits), so that only the
 * reply is rewritten then. Frozen in time.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('suggestion_contacts')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'bigint', (c) => c.notNull())
      .addColumn('stamp', 'text', (c) => c.notNull())
      .addColumn('reply_until', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('replies', 'text')
      .addPrimaryKeyConstraint('suggestion_contacts_pk', ['workspace_id', 'contact_id'])
      .execute();
    await db.schema.createIndex('suggestion_contacts_valid_idx').on('suggestion_contacts').columns(['workspace_id', 'valid_until']).execute();
    await db.schema.createIndex('suggestion_contacts_reply_idx').on('suggestion_contacts').columns(['workspace_id', 'reply_until']).execute();
    await db.schema.alterTable('suggestion_runs').addColumn('marks', 'text').execute();
    // A partial run reconciles the stored suggestions of its contacts only.
    await db.schema.createIndex('suggestions_contact_idx').on('suggestions').columns(['workspace_id', 'contact_id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('suggestions_contact_idx').execute();
    await db.schema.alterTable('suggestion_runs').dropColumn('marks').execute();
    await db.schema.dropTable('suggestion_contacts').execute();
  },
};
