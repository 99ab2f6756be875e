/**
 * Personas: the shapes relationships take in the demo. Each says when the relationship
 * started, how much happens, how fast we answer, and how attention is spread over time —
 * which is what makes one contact thrive and another cool after the honeymoon (SPEC §1).
 */
import type { ContactKind } from '../contacts/contacts.schema.js';

export const PERSONAS = ['thriving', 'steady', 'cooling', 'at_risk', 'honeymoon', 'prospect', 'personal'] as const;
export type Persona = (typeof PERSONAS)[number];

export type EpisodeKind = 'inbound' | 'outbound' | 'call' | 'meeting' | 'surprise' | 'message';

export interface PersonaSpec {
  kind: ContactKind;
  /** Relationship start, in days before now. */
  startDays: [number, number];
  /** Mean number of interactions over the whole history (tuned for ~50 on average). */
  budget: number;
  /** Our reply delay in hours, during the honeymoon and after it. */
  honeymoonReplyHours: [number, number];
  replyHours: [number, number];
  /** Chance that they nudge while waiting (after the honeymoon; a third of it before). */
  nudgeChance: number;
  /** Chance that an inbound thread of the last 120 days names a competitor. */
  competitorChance: number;
  /** Relative frequency of events at a moment: honeymoon, later, last 90 days. */
  density: { honeymoon: number; later: number; recent: number };
  /** Days at the end with no touch from us at all (neglect); their mail goes unanswered. */
  silenceDays: [number, number];
  mix: Readonly<Record<EpisodeKind, number>>;
}

const BUSINESS_MIX = { inbound: 45, outbound: 30, call: 12, meeting: 8, surprise: 1, message: 4 } as const;

export const PERSONA_SPECS: Readonly<Record<Persona, PersonaSpec>> = {
  thriving: {
    kind: 'customer', startDays: [200, 720], budget: 78, honeymoonReplyHours: [0.3, 3], replyHours: [0.3, 5],
    nudgeChance: 0.02, competitorChance: 0, density: { honeymoon: 1, later: 0.9, recent: 1 }, silenceDays: [0, 0],
    mix: { ...BUSINESS_MIX, surprise: 3 },
  },
  steady: {
    kind: 'customer', startDays: [150, 720], budget: 55, honeymoonReplyHours: [0.5, 6], replyHours: [2, 26],
    nudgeChance: 0.1, competitorChance: 0.03, density: { honeymoon: 1, later: 0.7, recent: 0.7 }, silenceDays: [0, 0],
    mix: BUSINESS_MIX,
  },
  cooling: {
    kind: 'customer', startDays: [150, 540], budget: 50, honeymoonReplyHours: [0.3, 4], replyHours: [20, 110],
    nudgeChance: 0.55, competitorChance: 0.25, density: { honeymoon: 1, later: 0.3, recent: 0.15 }, silenceDays: [0, 12],
    mix: { ...BUSINESS_MIX, inbound: 60, outbound: 20 },
  },
  at_risk: {
    kind: 'customer', startDays: [200, 720], budget: 38, honeymoonReplyHours: [0.5, 6], replyHours: [48, 160],
    nudgeChance: 0.7, competitorChance: 0.4, density: { honeymoon: 1, later: 0.35, recent: 0.3 }, silenceDays: [45, 110],
    mix: { ...BUSINESS_MIX, inbound: 65, outbound: 15 },
  },
  honeymoon: {
    kind: 'customer', startDays: [6, 80], budget: 24, honeymoonReplyHours: [0.2, 3], replyHours: [0.2, 3],
    nudgeChance: 0.02, competitorChance: 0, density: { honeymoon: 1, later: 1, recent: 1 }, silenceDays: [0, 0],
    mix: { ...BUSINESS_MIX, meeting: 12 },
  },
  prospect: {
    kind: 'prospect', startDays: [30, 400], budget: 4, honeymoonReplyHours: [1, 8], replyHours: [2, 30],
    nudgeChance: 0.1, competitorChance: 0.1, density: { honeymoon: 1, later: 1, recent: 1 }, silenceDays: [0, 0],
    mix: { inbound: 80, outbound: 20, call: 0, meeting: 0, surprise: 0, message: 0 },
  },
  personal: {
    kind: 'personal', startDays: [365, 720], budget: 40, honeymoonReplyHours: [0.2, 10], replyHours: [0.2, 30],
    nudgeChance: 0.05, competitorChance: 0, density: { honeymoon: 1, later: 1, recent: 1 }, silenceDays: [0, 0],
    mix: { inbound: 25, outbound: 25, call: 15, meeting: 10, surprise: 5, message: 20 },
  },
};

/** How often each persona occurs in a large demo. */
export const PERSONA_WEIGHTS: Readonly<Record<Persona, number>> = {
  thriving: 15, steady: 25, cooling: 18, at_risk: 10, honeymoon: 10, prospect: 12, personal: 10,
};

/** The first contacts cycle through every persona so that even a tiny demo shows each one. */
export const FIRST_PERSONAS: readonly Persona[] = ['thriving', 'cooling', 'at_risk', 'honeymoon', 'steady', 'prospect', 'personal'];
