/** Tables of import bookkeeping (migration 0002). */

export interface ImportsTable {
  workspace_id: string;
  id: string;
  /** Absolute path of the source: an mbox or .eml file, or a folder of message files. */
  path: string;
  format: string;
  /** size + mtime + hash of the first 64 KiB (a folder: hash of its file list). */
  fingerprint: string;
  /** Committed progress: byte offset (mbox) or number of files (folders). */
  position: number;
  /** Number of committed batches: lets tests and tools watch progress. */
  batches: number;
  /** running | done */
  status: string;
  /** JSON of the counts committed so far (ImportSummary without seconds and errors… see import.repo). */
  stats: string;
  created_at: number;
  updated_at: number;
}

export interface ThreadSubjectKeysTable {
  workspace_id: string;
  subject_key: string;
  /** Lower-cased counterpart address (SPEC §3.2). */
  counterpart: string;
  occurred_at: number;
  interaction_id: string;
}
