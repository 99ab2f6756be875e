import type { Generated } from 'kysely';

export interface SuggestionsTable {
  workspace_id: string;
  id: string;
  contact_id: string;
  kind: string;
  behavior: string;
  /** Stable key of what caused it, so a dismissed cause does not come back. */
  cause: string;
  reason: string;
  priority: number;
  due_at: number;
  draft: string | null;
  status: Generated<string>;
  snoozed_until: number | null;
  created_at: number;
  updated_at: number;
}

/** The last engine run of a workspace (migration 0004): `today` reuses it while data and minute are unchanged. */
export interface SuggestionRunsTable {
  workspace_id: string;
  /** The `now` (whole minute) the engine ran for. */
  engine_now: number;
  /** Fingerprint of the data it read. */
  stamp: string;
  ran_at: number;
  /** JSON: the newest ids and instants of the data this run had seen (migration 0019). */
  marks: string | null;
}

/** Per contact (migration 0019): until when its stored suggestions hold without a recomputation. */
export interface SuggestionContactsTable {
  workspace_id: string;
  contact_id: string;
  /** The first `now` (ms) at which its suggestions may differ; 0 after its data changed. */
  valid_until: number;
  /** Fingerprint of its contact and health row as the engine read them. */
  stamp: string;
  /** The first `now` at which its replies read differently (business time went on). */
  reply_until: Generated<number>;
  /** JSON: what the reply rule reads of it ({ contact, waits }); null without open waits. */
  replies: string | null;
}
