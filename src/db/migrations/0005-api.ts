/**
 * HTTP API storage: browser sessions, member invitations, the audit log and webhooks with
 * their delivery log. Frozen in time like every migration (Kysely<any>, no app imports).
 * Also import jobs (uploads through the API). Secrets that only need checking (session and invitation tokens) are stored as SHA-256
 * hashes; webhook signing secrets must be usable, so they are stored as given.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    // Sessions belong to a user, not a workspace: workspace_id is the one the browser works on.
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text', (c) => c.references('workspaces.id').onDelete('set null'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      // The hash before the last rotation stays valid for a few seconds so that requests
      // already in flight when the cookie changed do not log the user out.
      .addColumn('previous_hash', 'text')
      .addColumn('previous_valid_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('rotated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('user_agent', 'text')
      .execute();
    await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id']).execute();
    await db.schema.createIndex('sessions_previous_idx').on('sessions').columns(['previous_hash']).execute();

    await db.schema
      .createTable('invitations')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('accepted_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addPrimaryKeyConstraint('invitations_pk', ['workspace_id', 'id'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_label', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text')
      .addColumn('target_id', 'text')
      .addColumn('changes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('ip', 'text')
      .addPrimaryKeyConstraint('audit_log_pk', ['workspace_id', 'id'])
      .execute();
    await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['workspace_id', 'at']).execute();

    await db.schema
      .createTable('webhooks')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhooks_pk', ['workspace_id', 'id'])
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('webhook_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('last_attempt_at', 'bigint')
      .addColumn('response_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_deliveries_pk', ['workspace_id', 'id'])
      .addForeignKeyConstraint('webhook_deliveries_wh_fk', ['workspace_id', 'webhook_id'], 'webhooks', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema
      .createIndex('webhook_deliveries_hook_idx')
      .on('webhook_deliveries')
      .columns(['workspace_id', 'webhook_id', 'created_at'])
      .execute();

    // An upload through the API becomes a job: progress while it runs, the §3.5 summary after.
    await db.schema
      .createTable('import_jobs')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('filename', 'text')
      .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('progress_done', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('progress_total', 'bigint')
      .addColumn('progress_unit', 'text')
      .addColumn('summary', 'text')
      .addColumn('error', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addPrimaryKeyConstraint('import_jobs_pk', ['workspace_id', 'id'])
      .execute();
  },

  async down(db: Kysely<any>) {
    for (const table of ['import_jobs', 'webhook_deliveries', 'webhooks', 'audit_log', 'invitations', 'sessions']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
