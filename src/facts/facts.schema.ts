/**
 * Facts (SPEC §2): what is known about a contact. The presented `Fact` is the object of
 * `fact … --json` and of GET /contacts/{id}/facts; its field names are a public contract.
 */
import { z } from 'zod';
import { Day } from '../shared/limits.js';

export { Day };

export const FACT_KINDS = ['preference', 'interest', 'important_date', 'achievement', 'gift_idea', 'family', 'other'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

const Kind = z.string().refine((k): k is FactKind => (FACT_KINDS as readonly string[]).includes(k), {
  error: (issue) => `unknown kind "${String(issue.input)}"; use one of ${FACT_KINDS.join(', ')}`,
});

export const FactInputSchema = z
  .object({
    kind: Kind,
    text: z.string().trim().min(1, 'a fact needs some text').max(2000),
    date: Day.nullable().optional(),
    yearly: z.boolean().optional(),
  })
  .refine((f) => !f.yearly || !!f.date, { message: 'a yearly fact needs a date (--date)', path: ['date'] })
  .refine((f) => f.kind !== 'important_date' || !!f.date, { message: 'an important date needs a date (--date YYYY-MM-DD)', path: ['date'] });
export type FactInput = z.input<typeof FactInputSchema>;

export const FactPatchSchema = z.object({
  kind: Kind.optional(),
  text: z.string().trim().min(1, 'a fact needs some text').max(2000).optional(),
  date: Day.nullable().optional(),
  yearly: z.boolean().optional(),
});
export type FactPatch = z.input<typeof FactPatchSchema>;

export interface Fact {
  id: string;
  contact_id: string;
  kind: FactKind;
  text: string;
  /** YYYY-MM-DD, or null. */
  date: string | null;
  yearly: boolean;
  /** 'manual' or the rule that found it. */
  origin: string;
  created_at: string;
}
