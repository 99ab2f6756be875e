/**
 * Live mail: IMAP/SMTP accounts of a workspace and a sync cursor per folder. Frozen in time
 * like every migration (Kysely<any>, no app imports). The password is stored only encrypted
 * (AES-256-GCM, see src/mail/secret-box.ts); the URLs carry no password.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('mail_accounts')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('imap_url', 'text', (c) => c.notNull())
      .addColumn('smtp_url', 'text', (c) => c.notNull())
      .addColumn('password_enc', 'text', (c) => c.notNull())
      // JSON list of folder paths; null: INBOX and the Sent folder, found on the server.
      .addColumn('folders', 'text')
      .addColumn('history_days', 'integer', (c) => c.notNull().defaultTo(365))
      // One sync at a time per account, across processes: a lease taken by an atomic UPDATE.
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('mail_accounts_pk', ['workspace_id', 'id'])
      .execute();

    await db.schema
      .createTable('mail_folders')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('uid_validity', 'bigint')
      .addColumn('uid_next', 'bigint')
      // Text: a mod-sequence is an unsigned 63-bit number.
      .addColumn('highest_modseq', 'text')
      .addColumn('last_attempt_at', 'bigint')
      .addColumn('last_success_at', 'bigint')
      .addColumn('last_run_messages', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('last_error_at', 'bigint')
      .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('progress_total', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('mail_folders_pk', ['workspace_id', 'account_id', 'path'])
      .addForeignKeyConstraint('mail_folders_account_fk', ['workspace_id', 'account_id'], 'mail_accounts', ['workspace_id', 'id'], (c) => c.onDelete('cascade'))
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('mail_folders').execute();
    await db.schema.dropTable('mail_accounts').execute();
  },
};
