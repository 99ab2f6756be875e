/** Interaction schemas (SPEC §2): the contract for `log`, the importers, the API and the web app. */
import { z } from 'zod';
import { boundedList, EpochMs, MAX_REF_LENGTH } from '../shared/limits.js';

export const INTERACTION_KINDS = ['email', 'call', 'meeting', 'message', 'note', 'surprise', 'newsletter'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];
export const DIRECTIONS = ['in', 'out', 'internal'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** The seven behaviours of SPEC §1. */
export const BEHAVIORS = ['interest', 'compliment', 'knowledge', 'enthusiasm', 'humor', 'surprise', 'heroics'] as const;
export type Behavior = (typeof BEHAVIORS)[number];
/** Tags an interaction can carry: the seven behaviours and `ask`. */
export const TAGS = [...BEHAVIORS, 'ask'] as const;
export type Tag = (typeof TAGS)[number];
/** The "give" set of SPEC §1. */
export const GIVE_TAGS: readonly Tag[] = ['interest', 'compliment', 'knowledge', 'surprise', 'heroics'];

export const LogInteractionSchema = z.object({
  kind: z.enum(INTERACTION_KINDS),
  contact_ids: boundedList(z.string().min(1).max(MAX_REF_LENGTH)).min(1),
  at: EpochMs,
  direction: z.enum(DIRECTIONS).optional(),
  subject: z.string().max(1000).nullable().optional(),
  text: z.string().max(100_000).nullable().optional(),
  behaviors: boundedList(z.enum(TAGS)).optional(),
  source: z.string().max(200).optional(),
});
export type LogInteractionInput = z.input<typeof LogInteractionSchema>;

export interface BehaviorTag {
  behavior: Tag;
  /** 'manual' or the rule that fired. */
  origin: string;
}

export interface Interaction {
  id: string;
  kind: InteractionKind;
  direction: Direction;
  at: string;
  subject: string | null;
  excerpt: string | null;
  behaviors: BehaviorTag[];
  sentiment: number | null;
  automated: boolean;
  source: string;
  contact_ids: string[];
  thread_id: string | null;
  message_id: string | null;
  date_inferred: boolean;
}

/** A conversation (SPEC §3.4) with its interactions, oldest first. */
export interface Thread {
  id: string;
  subject: string | null;
  first_at: string;
  last_at: string;
  message_count: number;
  /** Every contact taking part in any of its interactions. */
  contact_ids: string[];
  interactions: Interaction[];
}

/**
 * SPEC §2 touch: an outbound, non-automated email, message or surprise, or a call or meeting
 * in either direction. Newsletters and notes never are.
 */
export function isTouch(i: { kind: string; direction: string; automated: boolean | number }): boolean {
  if (i.automated === true || i.automated === 1) return false;
  if (i.kind === 'call' || i.kind === 'meeting') return i.direction !== 'internal';
  if (i.kind === 'email' || i.kind === 'message' || i.kind === 'surprise') return i.direction === 'out';
  return false;
}

/** The default direction when a log does not say: notes are internal, everything else outbound. */
export function defaultDirection(kind: InteractionKind): Direction {
  return kind === 'note' ? 'internal' : 'out';
}
