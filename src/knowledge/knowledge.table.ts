import type { Generated } from 'kysely';

export interface KnowledgeItemsTable {
  workspace_id: string;
  id: string;
  title: string;
  url: string | null;
  /** JSON string[], lower case. */
  topics: Generated<string>;
  body: string | null;
  created_at: number;
}

export interface KnowledgeSharesTable {
  workspace_id: string;
  knowledge_id: string;
  contact_id: string;
  interaction_id: string | null;
  shared_at: number;
}
