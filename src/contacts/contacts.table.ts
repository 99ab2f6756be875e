import type { Generated } from 'kysely';

export interface ContactsTable {
  workspace_id: string;
  id: string;
  name: string;
  kind: string;
  company_id: string | null;
  owner_id: string | null;
  /** JSON string[] */
  tags: Generated<string>;
  /** JSON string[] */
  phones: Generated<string>;
  client_since: number | null;
  keep_in_touch_days: number | null;
  notes: string | null;
  lost: Generated<number>;
  /** First non-automated, non-internal interaction: the relationship's start without client_since. */
  first_seen_at: number | null;
  version: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface ContactEmailsTable {
  workspace_id: string;
  /** Lower case: addresses compare case-insensitively. */
  email: string;
  contact_id: string;
  is_primary: Generated<number>;
}

export interface CompaniesTable {
  workspace_id: string;
  id: string;
  name: string;
  /** Lower-cased name, the key companies are matched by. */
  name_key: string;
  domain: string | null;
  created_at: number;
}
