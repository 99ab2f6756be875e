export interface WorkspacesTable {
  id: string;
  slug: string;
  name: string;
  /** JSON of WorkspaceSettings (workspaces.schema.ts). */
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  created_at: number;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface ApiTokensTable {
  workspace_id: string;
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
