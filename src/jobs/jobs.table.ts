import type { Generated } from 'kysely';

/** Row types of the SQLite runner's jobs and of the effects ledger (migration 0014). */
export interface LocalJobsTable {
  id: Generated<number>;
  name: string;
  payload: string;
  workspace_id: string | null;
  key: string | null;
  run_at: number;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_until: number | null;
  created_at: number;
}

export interface JobEffectsTable {
  workspace_id: string;
  key: string;
  done_at: number;
}
