/**
 * A scheduled campaign the worker could not start within its late limit becomes `missed`
 * (the status column is free text): when that was seen and why, so the app can say so and
 * offer to send now or reschedule. Frozen in time.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('newsletter_campaigns').addColumn('missed_at', 'bigint').execute();
    await db.schema.alterTable('newsletter_campaigns').addColumn('missed_reason', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('newsletter_campaigns').dropColumn('missed_reason').execute();
    await db.schema.alterTable('newsletter_campaigns').dropColumn('missed_at').execute();
  },
};
