import type { Generated } from 'kysely';

export interface SuggestionsTable {
  workspace_id: string;
  id: string;
  contact_id: string;
  kind: string;
  behavior: string;
  /** Stable key of what caused it, so a dismissed cause does not come back. */
  cause: string;
  reason: string;
  priority: number;
  due_at: number;
  draft: string | null;
  status: Generated<string>;
  snoozed_until: number | null;
  created_at: number;
  updated_at: number;
}
