export interface AuditLogTable {
  workspace_id: string;
  id: string;
  at: number;
  /** 'user', 'token' or 'cli'. */
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  /** e.g. 'contact.update'. */
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON array of the changed field names. */
  changes: string;
  ip: string | null;
}
