/**
 * Suggestions (issue 5): what `today` needs to stay fast on large workspaces. The engine's
 * result is stored per workspace together with a stamp of the data it was computed from;
 * `today` recomputes only when the stamp or the minute changes. Indexes serve the few
 * queries that load the engine's input (recent inbound mail, surprises, tagged outbound
 * interactions, facts by kind). Frozen in time: Kysely<any>, no application imports.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('suggestion_runs')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
      .addColumn('engine_now', 'bigint', (c) => c.notNull())
      .addColumn('stamp', 'text', (c) => c.notNull())
      .addColumn('ran_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('interactions_kind_time_idx').on('interactions').columns(['workspace_id', 'kind', 'occurred_at']).execute();
    await db.schema
      .createIndex('interaction_behaviors_behavior_idx')
      .on('interaction_behaviors')
      .columns(['workspace_id', 'behavior', 'interaction_id'])
      .execute();
    // Today reads the top N open suggestions straight off this index.
    await db.schema
      .createIndex('suggestions_rank_idx')
      .on('suggestions')
      .columns(['workspace_id', 'status', 'priority desc', 'due_at', 'cause'])
      .execute();
    // The data stamp reads the latest rescore and contact edit off these, not off 10,000 rows.
    await db.schema.createIndex('contact_health_computed_idx').on('contact_health').columns(['workspace_id', 'computed_at']).execute();
    await db.schema.createIndex('contacts_updated_idx').on('contacts').columns(['workspace_id', 'updated_at']).execute();
    await db.schema.createIndex('facts_kind_idx').on('facts').columns(['workspace_id', 'kind']).execute();
  },

  async down(db: Kysely<any>) {
    await db.schema.dropIndex('facts_kind_idx').execute();
    await db.schema.dropIndex('suggestions_rank_idx').execute();
    await db.schema.dropIndex('contacts_updated_idx').execute();
    await db.schema.dropIndex('contact_health_computed_idx').execute();
    await db.schema.dropIndex('interaction_behaviors_behavior_idx').execute();
    await db.schema.dropIndex('interactions_kind_time_idx').execute();
    await db.schema.dropTable('suggestion_runs').execute();
  },
};
