/**
 * The first owner is created once: sign-up claims the one row of `first_owner` in the
 * transaction that creates the account, so that concurrent sign-ups on an empty database
 * cannot all succeed (the primary key refuses all but one, on both engines). Databases with
 * accounts already are claimed by their earliest user. Frozen in time like every migration.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('first_owner')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      // No foreign key: the claim is inserted first, before the user it names.
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    const first = await db.selectFrom('users').select(['id', 'created_at']).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
    if (first) await db.insertInto('first_owner').values({ id: 1, user_id: first.id, created_at: first.created_at }).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('first_owner').execute();
  },
};
