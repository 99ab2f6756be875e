/**
 * The import summary of SPEC §3.5: the object `import --json` prints and the API's import
 * job resource returns. Field names are a public contract.
 */
export interface ImportError {
  /** File, and message number / line / byte offset within it. */
  where: string;
  reason: string;
}

export interface ImportSummary {
  read: number;
  imported: number;
  duplicates: number;
  automated: number;
  malformed: number;
  contacts_created: number;
  threads: number;
  seconds: number;
  /** At most 100 items. */
  errors: ImportError[];
}

export const MAX_REPORTED_ERRORS = 100;

export function emptySummary(): ImportSummary {
  return { read: 0, imported: 0, duplicates: 0, automated: 0, malformed: 0, contacts_created: 0, threads: 0, seconds: 0, errors: [] };
}

/** Progress callback: long imports show count, rate and ETA from it. */
export interface ImportProgress {
  done: number;
  /** Total when known (bytes or messages, see `unit`). */
  total: number | null;
  unit: 'messages' | 'bytes' | 'records';
}
