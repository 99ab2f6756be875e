/**
 * How each table is placed when one PostgreSQL server is not enough and the database runs on
 * Citus. Every table with a `workspace_id` is distributed by it, co-located with the others,
 * so that a workspace's rows live on one node; the tables below are the exceptions, declared
 * here once (docs/deploy.md shows the calls, and a test checks that the schema keeps to it:
 * every primary key, unique constraint and foreign key of a distributed table includes
 * `workspace_id`).
 */

/** Small tables every node reads, copied to each: distributed tables may point at them. */
export const REFERENCE_TABLES = ['workspaces', 'users'] as const;

/** Tables of the coordinator alone: per-user or per-installation state, never joined with tenant data on the workers. */
export const COORDINATOR_TABLES = ['sessions', 'first_owner', 'rate_limit_hits', 'kysely_migration', 'kysely_migration_lock'] as const;

/** The column every other table is distributed by. */
export const DISTRIBUTION_COLUMN = 'workspace_id';
