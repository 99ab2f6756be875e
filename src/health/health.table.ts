import type { Generated } from 'kysely';

export interface ContactHealthTable {
  workspace_id: string;
  contact_id: string;
  score: number | null;
  status: string | null;
  slipping: Generated<number>;
  stage: string;
  last_touch_at: number | null;
  /** JSON of the §4 metrics. */
  metrics: string;
  /** JSON of the §5 factors. */
  factors: string;
  computed_at: number;
}

export interface HealthSnapshotsTable {
  workspace_id: string;
  contact_id: string;
  /** YYYY-MM-DD in the workspace time zone. */
  day: string;
  score: number | null;
  status: string | null;
}
