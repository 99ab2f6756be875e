import type { Generated } from 'kysely';

export interface CommitmentsTable {
  workspace_id: string;
  id: string;
  contact_id: string;
  text: string;
  due_at: number;
  status: Generated<string>;
  done_at: number | null;
  interaction_id: string | null;
  created_at: number;
}
