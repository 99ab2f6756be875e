/** Row types of the API tables of migration 0005 (sessions, invitations). */
export interface SessionsTable {
  id: string;
  user_id: string;
  workspace_id: string | null;
  token_hash: string;
  previous_hash: string | null;
  previous_valid_until: number | null;
  created_at: number;
  rotated_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
}

export interface InvitationsTable {
  workspace_id: string;
  id: string;
  email: string;
  role: string;
  token_hash: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
}

/** Migration 0007: the one row sign-up claims, so that the first owner is created once. */
export interface FirstOwnerTable {
  id: number;
  user_id: string;
  created_at: number;
}
