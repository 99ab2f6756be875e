export interface ImportJobsTable {
  workspace_id: string;
  id: string;
  format: string;
  filename: string | null;
  bytes: number;
  /** 'running', 'succeeded' or 'failed'. */
  status: string;
  progress_done: number;
  progress_total: number | null;
  progress_unit: string | null;
  /** JSON ImportSummary once finished. */
  summary: string | null;
  error: string | null;
  created_by: string | null;
  created_at: number;
  finished_at: number | null;
}
