/**
 * Today's plan (issue 14): the short list of the day is stored, so that it does not reshuffle
 * while someone works through it. One plan per workspace, local day and scope (a member's
 * view or the whole workspace); its items point at suggestions by id and keep their place.
 * Frozen in time: Kysely<any>, no application imports.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('today_plans')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('today_plans_pk', ['workspace_id', 'day', 'scope'])
      .execute();
    await db.schema
      .createTable('today_plan_items')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('suggestion_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('why', 'text', (c) => c.notNull())
      .addColumn('is_new', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('today_plan_items_pk', ['workspace_id', 'day', 'scope', 'suggestion_id'])
      .addForeignKeyConstraint('today_plan_items_plan_fk', ['workspace_id', 'day', 'scope'], 'today_plans', ['workspace_id', 'day', 'scope'], (f) =>
        f.onDelete('cascade'),
      )
      .execute();
  },

  async down(db: Kysely<any>) {
    await db.schema.dropTable('today_plan_items').execute();
    await db.schema.dropTable('today_plans').execute();
  },
};
