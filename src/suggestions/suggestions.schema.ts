/**
 * Suggestions (SPEC §6): the next best actions of `today`. `Suggestion` is the object of
 * `today --json`, GET /today and the web app's Today page; its field names are a public
 * contract. A suggestion is identified by its `cause` (what made it: a wait, a commitment, a
 * date…): the same cause keeps the same id, and a dismissed cause never comes back.
 */
import { z } from 'zod';

export const SUGGESTION_KINDS = ['reply', 'keep_promise', 'reconnect', 'share_knowledge', 'surprise', 'compliment', 'check_in', 'follow_interest'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

export const SUGGESTION_STATUSES = ['open', 'done', 'snoozed', 'dismissed'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/** The behaviour each kind practises (SPEC §6 table). `responsiveness` is not a tag. */
export const KIND_BEHAVIOR = {
  reply: 'responsiveness',
  keep_promise: 'heroics',
  reconnect: 'interest',
  share_knowledge: 'knowledge',
  surprise: 'surprise',
  compliment: 'compliment',
  check_in: 'interest',
  follow_interest: 'interest',
} as const satisfies Record<SuggestionKind, string>;
export type SuggestionBehavior = (typeof KIND_BEHAVIOR)[SuggestionKind];

/** What the pure engine proposes; the service gives it an id and a status. */
export interface SuggestionDraft {
  kind: SuggestionKind;
  behavior: SuggestionBehavior;
  contact_id: string;
  /** Stable key of what caused it, e.g. `reply:th_1:1736150400000`. */
  cause: string;
  reason: string;
  /** 0–100, higher first. */
  priority: number;
  due_at: number;
  draft: string | null;
}

export interface Suggestion {
  id: string;
  kind: SuggestionKind;
  behavior: SuggestionBehavior;
  contact: { id: string; name: string; email: string | null };
  reason: string;
  priority: number;
  due: string;
  draft?: string;
  status: SuggestionStatus;
  /** Only for snoozed suggestions: when it comes back. */
  until?: string;
  cause: string;
  /** Only in Today's plan: why it is in today's plan. */
  why?: string;
  /** Only in Today's plan, and only when true: it joined the plan after the plan was made. */
  new?: boolean;
}

export const TodayQuerySchema = z.object({
  limit: z.number().int().min(1).max(100_000).default(20),
  /** Only contacts owned by this member (or owned by nobody). */
  owner_id: z.string().max(200).optional(),
  contact_id: z.string().max(320).optional(),
});
export type TodayQuery = z.input<typeof TodayQuerySchema>;
