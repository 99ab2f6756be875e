/**
 * Commitments (SPEC §2): promises made to a contact with a due time. `Commitment` is the
 * object of `commitment … --json` and GET /commitments; its field names are a public contract.
 */
import { z } from 'zod';
import { EpochMs } from '../shared/limits.js';

export const COMMITMENT_STATUSES = ['open', 'done'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export const CommitmentInputSchema = z.object({
  text: z.string().trim().min(1, 'a commitment needs some text').max(2000),
  due_at: EpochMs,
});
export type CommitmentInput = z.input<typeof CommitmentInputSchema>;

export const CommitmentPatchSchema = z.object({
  text: z.string().trim().min(1, 'a commitment needs some text').max(2000).optional(),
  due_at: EpochMs.optional(),
});
export type CommitmentPatch = z.input<typeof CommitmentPatchSchema>;

export interface Commitment {
  id: string;
  contact_id: string;
  text: string;
  due: string;
  status: CommitmentStatus;
  done_at: string | null;
  /** The interaction that met it, when known. */
  interaction_id: string | null;
  /** Met before its due time: the meeting interaction carries the `heroics` tag. */
  on_time: boolean | null;
  created_at: string;
}
