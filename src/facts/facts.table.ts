import type { Generated } from 'kysely';

export interface FactsTable {
  workspace_id: string;
  id: string;
  contact_id: string;
  kind: string;
  text: string;
  /** YYYY-MM-DD for important dates. */
  date: string | null;
  yearly: Generated<number>;
  /** 'manual' or the rule that found it. */
  origin: Generated<string>;
  created_at: number;
}
