/**
 * The newsletter: lists, subscribers with their consent, campaigns, a per-recipient send
 * ledger, engagement events, suppressions and drip sequences. Frozen in time like every
 * migration (Kysely<any>, no app imports).
 *
 * The ledger is what makes a send exactly once: a row per (campaign, subscriber) is claimed
 * before the SMTP call and marked after it, so a crash, a restart or a second sender never
 * sends twice; a row whose outcome is unknown (connection lost after DATA) stays `uncertain`
 * and is never retried by itself. Drips keep the same kind of ledger per step.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('newsletter_lists')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('from_name', 'text')
      .addColumn('from_address', 'text')
      // Random, unguessable: the public subscribe form's address carries it, never the list id.
      .addColumn('form_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_lists_pk', ['workspace_id', 'id'])
      .addUniqueConstraint('newsletter_lists_name_uq', ['workspace_id', 'name'])
      .execute();
    // The public form finds its list by key alone (it has no workspace yet).
    await db.schema.createIndex('newsletter_lists_form_key_idx').on('newsletter_lists').column('form_key').execute();

    await db.schema
      .createTable('newsletter_subscribers')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('list_id', 'text', (c) => c.notNull())
      // Lower-cased address: one subscription per address and list.
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('contact_id', 'text')
      // unconfirmed | confirmed | unsubscribed | bounced | complained
      .addColumn('status', 'text', (c) => c.notNull())
      // form | import | cli | api | contact
      .addColumn('source', 'text', (c) => c.notNull())
      // Hash of the double opt-in token mailed to the address; null once confirmed.
      .addColumn('confirm_token_hash', 'text')
      .addColumn('consent_ip', 'text')
      .addColumn('soft_bounces', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('unsubscribed_at', 'bigint')
      .addColumn('status_changed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_subscribers_pk', ['workspace_id', 'id'])
      .addUniqueConstraint('newsletter_subscribers_address_uq', ['workspace_id', 'list_id', 'email'])
      .addForeignKeyConstraint('newsletter_subscribers_list_fk', ['workspace_id', 'list_id'], 'newsletter_lists', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('newsletter_subscribers_list_status_idx')
      .on('newsletter_subscribers')
      .columns(['workspace_id', 'list_id', 'status'])
      .execute();
    await db.schema.createIndex('newsletter_subscribers_contact_idx').on('newsletter_subscribers').columns(['workspace_id', 'contact_id']).execute();

    // An address that bounced hard or complained is never mailed again, whatever the list.
    await db.schema
      .createTable('newsletter_suppressions')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      // bounced | complained
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_suppressions_pk', ['workspace_id', 'email'])
      .execute();

    await db.schema
      .createTable('newsletter_campaigns')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('list_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('preheader', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('body_md', 'text', (c) => c.notNull())
      // JSON: {tags?, stage?, kind?, status?, engaged_days?}; null: the whole list.
      .addColumn('segment', 'text')
      .addColumn('tracking', 'integer', (c) => c.notNull().defaultTo(1))
      // draft | scheduled | sending | sent | cancelled
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('scheduled_at', 'bigint')
      // A scheduled send more than this late does not start by itself.
      .addColumn('late_limit_hours', 'integer', (c) => c.notNull().defaultTo(6))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addPrimaryKeyConstraint('newsletter_campaigns_pk', ['workspace_id', 'id'])
      .addForeignKeyConstraint('newsletter_campaigns_list_fk', ['workspace_id', 'list_id'], 'newsletter_lists', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('newsletter_sends')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('campaign_id', 'text', (c) => c.notNull())
      .addColumn('subscriber_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      // pending | claimed | sent | failed | uncertain | skipped
      .addColumn('status', 'text', (c) => c.notNull())
      // Which sender process holds the claim, and until when (a dead sender's claim expires
      // only into `uncertain` when the SMTP call may have started).
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_at', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('message_id', 'text')
      .addColumn('sent_at', 'bigint')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('newsletter_sends_pk', ['workspace_id', 'campaign_id', 'subscriber_id'])
      .addForeignKeyConstraint('newsletter_sends_campaign_fk', ['workspace_id', 'campaign_id'], 'newsletter_campaigns', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('newsletter_sends_status_idx')
      .on('newsletter_sends')
      .columns(['workspace_id', 'campaign_id', 'status'])
      .execute();
    await db.schema.createIndex('newsletter_sends_message_idx').on('newsletter_sends').columns(['workspace_id', 'message_id']).execute();
    await db.schema.createIndex('newsletter_sends_subscriber_idx').on('newsletter_sends').columns(['workspace_id', 'subscriber_id']).execute();

    await db.schema
      .createTable('newsletter_events')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('subscriber_id', 'text', (c) => c.notNull())
      // Null for events outside a campaign (a drip step, a bounce not matched to a campaign).
      .addColumn('campaign_id', 'text')
      // open | click | unsubscribe | bounce_hard | bounce_soft | complaint | confirm | reply
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('detail', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_events_pk', ['workspace_id', 'id'])
      .execute();
    await db.schema
      .createIndex('newsletter_events_campaign_idx')
      .on('newsletter_events')
      .columns(['workspace_id', 'campaign_id', 'kind'])
      .execute();
    await db.schema
      .createIndex('newsletter_events_subscriber_idx')
      .on('newsletter_events')
      .columns(['workspace_id', 'subscriber_id', 'at'])
      .execute();

    await db.schema
      .createTable('newsletter_drips')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('list_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_drips_pk', ['workspace_id', 'id'])
      .addUniqueConstraint('newsletter_drips_name_uq', ['workspace_id', 'list_id', 'name'])
      .addForeignKeyConstraint('newsletter_drips_list_fk', ['workspace_id', 'list_id'], 'newsletter_lists', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('newsletter_drip_steps')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('drip_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      // Days after the subscriber confirmed.
      .addColumn('delay_days', 'integer', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body_md', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('newsletter_drip_steps_pk', ['workspace_id', 'drip_id', 'position'])
      .addForeignKeyConstraint('newsletter_drip_steps_drip_fk', ['workspace_id', 'drip_id'], 'newsletter_drips', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    // A subscriber's way through one drip: stopped when they reply or become a client.
    await db.schema
      .createTable('newsletter_drip_enrollments')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('drip_id', 'text', (c) => c.notNull())
      .addColumn('subscriber_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('stopped_at', 'bigint')
      // replied | client | unsubscribed | finished
      .addColumn('stop_reason', 'text')
      .addPrimaryKeyConstraint('newsletter_drip_enrollments_pk', ['workspace_id', 'drip_id', 'subscriber_id'])
      .addForeignKeyConstraint('newsletter_drip_enrollments_drip_fk', ['workspace_id', 'drip_id'], 'newsletter_drips', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();

    // The drip's own ledger, same rules as newsletter_sends.
    await db.schema
      .createTable('newsletter_drip_sends')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('drip_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('subscriber_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_at', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('message_id', 'text')
      .addColumn('sent_at', 'bigint')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('newsletter_drip_sends_pk', ['workspace_id', 'drip_id', 'position', 'subscriber_id'])
      .addForeignKeyConstraint('newsletter_drip_sends_drip_fk', ['workspace_id', 'drip_id'], 'newsletter_drips', ['workspace_id', 'id'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('newsletter_drip_sends_message_idx').on('newsletter_drip_sends').columns(['workspace_id', 'message_id']).execute();
  },

  async down(db: Kysely<any>) {
    for (const table of [
      'newsletter_drip_sends',
      'newsletter_drip_enrollments',
      'newsletter_drip_steps',
      'newsletter_drips',
      'newsletter_events',
      'newsletter_sends',
      'newsletter_campaigns',
      'newsletter_suppressions',
      'newsletter_subscribers',
      'newsletter_lists',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
