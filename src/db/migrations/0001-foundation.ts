/**
 * The foundation schema. Migrations are frozen in time: they use Kysely<any> and never
 * import application code. Types are chosen to mean the same on SQLite and PostgreSQL:
 * times are `bigint` milliseconds since the epoch (UTC), flags are `integer` 0/1, lists and
 * settings are JSON in `text`, ids are text. Every tenant table leads its keys with
 * workspace_id so that data can be distributed by workspace (Citus).
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('workspaces')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('memberships')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['workspace_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addPrimaryKeyConstraint('api_tokens_pk', ['workspace_id', 'id'])
      .execute();

    await db.schema
      .createTable('companies')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('domain', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('companies_pk', ['workspace_id', 'id'])
      .addUniqueConstraint('companies_name_key', ['workspace_id', 'name_key'])
      .execute();

    await db.schema
      .createTable('contacts')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('company_id', 'text')
      .addColumn('owner_id', 'text')
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('phones', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('client_since', 'bigint')
      .addColumn('keep_in_touch_days', 'integer')
      .addColumn('notes', 'text')
      .addColumn('lost', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('first_seen_at', 'bigint')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('contacts_pk', ['workspace_id', 'id'])
      .execute();
    await db.schema.createIndex('contacts_name_idx').on('contacts').columns(['workspace_id', 'name']).execute();

    await db.schema
      .createTable('contact_emails')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('contact_emails_pk', ['workspace_id', 'email'])
      .addForeignKeyConstraint('contact_emails_contact_fk', ['workspace_id', 'contact_id'], 'contacts', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('contact_emails_contact_idx').on('contact_emails').columns(['workspace_id', 'contact_id']).execute();

    await db.schema
      .createTable('facts')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('date', 'text')
      .addColumn('yearly', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('origin', 'text', (c) => c.notNull().defaultTo('manual'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('facts_pk', ['workspace_id', 'id'])
      .addForeignKeyConstraint('facts_contact_fk', ['workspace_id', 'contact_id'], 'contacts', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('facts_contact_idx').on('facts').columns(['workspace_id', 'contact_id']).execute();

    await db.schema
      .createTable('commitments')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
      .addColumn('done_at', 'bigint')
      .addColumn('interaction_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('commitments_pk', ['workspace_id', 'id'])
      .addForeignKeyConstraint('commitments_contact_fk', ['workspace_id', 'contact_id'], 'contacts', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('commitments_due_idx').on('commitments').columns(['workspace_id', 'status', 'due_at']).execute();

    await db.schema
      .createTable('knowledge_items')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('topics', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('body', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('knowledge_items_pk', ['workspace_id', 'id'])
      .execute();

    await db.schema
      .createTable('knowledge_shares')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('knowledge_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('interaction_id', 'text')
      .addColumn('shared_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('knowledge_shares_pk', ['workspace_id', 'knowledge_id', 'contact_id'])
      .execute();

    await db.schema
      .createTable('threads')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('first_at', 'bigint', (c) => c.notNull())
      .addColumn('last_at', 'bigint', (c) => c.notNull())
      .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('threads_pk', ['workspace_id', 'id'])
      .execute();

    await db.schema
      .createTable('interactions')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('identity', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('date_inferred', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('subject', 'text')
      .addColumn('subject_key', 'text')
      .addColumn('excerpt', 'text')
      .addColumn('body', 'text')
      .addColumn('word_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_closer', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sentiment', 'double precision')
      .addColumn('automated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('from_address', 'text')
      .addColumn('message_id', 'text')
      .addColumn('in_reply_to', 'text')
      .addColumn('refs', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('thread_id', 'text')
      .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('interactions_pk', ['workspace_id', 'id'])
      .addUniqueConstraint('interactions_identity_key', ['workspace_id', 'identity'])
      .execute();
    await db.schema.createIndex('interactions_thread_idx').on('interactions').columns(['workspace_id', 'thread_id', 'occurred_at']).execute();
    await db.schema.createIndex('interactions_message_id_idx').on('interactions').columns(['workspace_id', 'message_id']).execute();
    await db.schema.createIndex('interactions_subject_idx').on('interactions').columns(['workspace_id', 'subject_key', 'occurred_at']).execute();

    await db.schema
      .createTable('interaction_contacts')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('interaction_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('interaction_contacts_pk', ['workspace_id', 'interaction_id', 'contact_id'])
      .addForeignKeyConstraint('interaction_contacts_ix_fk', ['workspace_id', 'interaction_id'], 'interactions', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .addForeignKeyConstraint('interaction_contacts_ct_fk', ['workspace_id', 'contact_id'], 'contacts', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('interaction_contacts_contact_idx').on('interaction_contacts').columns(['workspace_id', 'contact_id']).execute();

    await db.schema
      .createTable('interaction_refs')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('ref_message_id', 'text', (c) => c.notNull())
      .addColumn('interaction_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('interaction_refs_pk', ['workspace_id', 'ref_message_id', 'interaction_id'])
      .addForeignKeyConstraint('interaction_refs_ix_fk', ['workspace_id', 'interaction_id'], 'interactions', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('interaction_behaviors')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('interaction_id', 'text', (c) => c.notNull())
      .addColumn('behavior', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('interaction_behaviors_pk', ['workspace_id', 'interaction_id', 'behavior'])
      .addForeignKeyConstraint('interaction_behaviors_ix_fk', ['workspace_id', 'interaction_id'], 'interactions', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('contact_health')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('score', 'integer')
      .addColumn('status', 'text')
      .addColumn('slipping', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('last_touch_at', 'bigint')
      .addColumn('metrics', 'text', (c) => c.notNull())
      .addColumn('factors', 'text', (c) => c.notNull())
      .addColumn('computed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('contact_health_pk', ['workspace_id', 'contact_id'])
      .addForeignKeyConstraint('contact_health_ct_fk', ['workspace_id', 'contact_id'], 'contacts', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('health_snapshots')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('score', 'integer')
      .addColumn('status', 'text')
      .addPrimaryKeyConstraint('health_snapshots_pk', ['workspace_id', 'contact_id', 'day'])
      .addForeignKeyConstraint('health_snapshots_ct_fk', ['workspace_id', 'contact_id'], 'contacts', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('suggestions')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('behavior', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('draft', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
      .addColumn('snoozed_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('suggestions_pk', ['workspace_id', 'id'])
      .addUniqueConstraint('suggestions_cause_key', ['workspace_id', 'cause'])
      .addForeignKeyConstraint('suggestions_ct_fk', ['workspace_id', 'contact_id'], 'contacts', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('suggestions_status_idx').on('suggestions').columns(['workspace_id', 'status', 'priority']).execute();
  },

  async down(db: Kysely<any>) {
    for (const table of [
      'suggestions', 'health_snapshots', 'contact_health', 'interaction_behaviors', 'interaction_refs',
      'interaction_contacts', 'interactions', 'threads', 'knowledge_shares', 'knowledge_items', 'commitments',
      'facts', 'contact_emails', 'contacts', 'companies', 'api_tokens', 'memberships', 'users', 'workspaces',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
