/**
 * Background jobs. On PostgreSQL the queue is graphile-worker, which keeps its own schema
 * (graphile_worker, migrated by the worker library itself); on SQLite the in-process runner
 * keeps its jobs in `local_jobs`, created here on SQLite only. `job_effects` exists on both:
 * the ledger of effects outside the database (a digest e-mailed) so that a job that runs
 * twice sends once. Frozen in time like every migration (Kysely<any>, no app imports).
 */
import { type Kysely, SqliteAdapter } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('job_effects')
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('done_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_effects_pk', ['workspace_id', 'key'])
      .execute();
    if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
    await db.schema
      .createTable('local_jobs')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('workspace_id', 'text')
      // One waiting job per key; a running one gives its key up to a newer one.
      .addColumn('key', 'text', (c) => c.unique())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      // The lease: a job whose runner died is taken again once locked_until has passed.
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('local_jobs_due_idx').on('local_jobs').columns(['run_at', 'id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('local_jobs').ifExists().execute();
    await db.schema.dropTable('job_effects').execute();
  },
};
