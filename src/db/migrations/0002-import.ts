/**
 * Import bookkeeping (SPEC §3.5, §3.4). Frozen in time: Kysely<any>, no application imports.
 * - `imports`: progress per source (file, or folder of message files). `position` (byte offset
 *   of an mbox, or number of files of a folder) is committed in the same transaction as each
 *   batch of messages, so a killed import resumes exactly where its last commit left it.
 * - `thread_subject_keys`: one row per (message, counterpart) with a non-empty normalized
 *   subject: the index of the subject rule of §3.4 (same subject, shared counterpart, ±30 days).
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('imports')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('position', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('batches', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('stats', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('imports_pk', ['workspace_id', 'id'])
      .addUniqueConstraint('imports_path_key', ['workspace_id', 'path'])
      .execute();

    await db.schema
      .createTable('thread_subject_keys')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('subject_key', 'text', (c) => c.notNull())
      .addColumn('counterpart', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('interaction_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('thread_subject_keys_pk', ['workspace_id', 'subject_key', 'counterpart', 'interaction_id'])
      .addForeignKeyConstraint('thread_subject_keys_ix_fk', ['workspace_id', 'interaction_id'], 'interactions', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('thread_subject_keys_ix_idx')
      .on('thread_subject_keys')
      .columns(['workspace_id', 'interaction_id'])
      .execute();
    // Reverse lookup of "who references this Message-ID" is served by interaction_refs' key;
    // this one serves "which stored messages does this message reference".
    await db.schema.createIndex('interaction_refs_ix_idx').on('interaction_refs').columns(['workspace_id', 'interaction_id']).execute();
  },

  async down(db: Kysely<any>) {
    await db.schema.dropIndex('interaction_refs_ix_idx').execute();
    await db.schema.dropTable('thread_subject_keys').execute();
    await db.schema.dropTable('imports').execute();
  },
};
