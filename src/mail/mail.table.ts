/** Tables of live mail (migration 0010): accounts and their per-folder sync cursors. */

export interface MailAccountsTable {
  workspace_id: string;
  id: string;
  name: string;
  /** The address mail is sent from. */
  address: string;
  /** imap(s)://user@host[:port], without a password. */
  imap_url: string;
  smtp_url: string;
  /** `v1:` + base64(iv | tag | ciphertext), AES-256-GCM (secret-box.ts). */
  password_enc: string;
  /** JSON list of folder paths; null: INBOX and Sent, found on the server. */
  folders: string | null;
  history_days: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface MailFoldersTable {
  workspace_id: string;
  account_id: string;
  path: string;
  /** inbox | sent | other */
  role: string;
  uid_validity: number | null;
  /** The next UID to read: every message below it was imported. */
  uid_next: number | null;
  highest_modseq: string | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_run_messages: number;
  last_error: string | null;
  last_error_at: number | null;
  progress_done: number;
  progress_total: number;
}
