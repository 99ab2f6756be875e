/**
 * Contact schemas shared by the CLI, the API and the web app. `Contact` is the presented
 * object (`contacts --json`, GET /contacts/{id}); its field names are a public contract.
 */
import { z } from 'zod';
import { boundedList, EpochMs, MAX_REF_LENGTH } from '../shared/limits.js';

export const CONTACT_KINDS = ['customer', 'prospect', 'personal'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const STAGES = ['prospect', 'honeymoon', 'established', 'personal', 'lost'] as const;
export type Stage = (typeof STAGES)[number];
export const STATUSES = ['thriving', 'steady', 'cooling', 'at_risk'] as const;
export type HealthStatus = (typeof STATUSES)[number];

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'not a valid email address' }));

const Tag = z.string().trim().min(1).max(64);

export const ContactInputSchema = z.object({
  email: Email,
  emails: boundedList(Email).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(CONTACT_KINDS).optional(),
  company: z.string().trim().min(1).max(200).nullable().optional(),
  phones: boundedList(z.string().trim().min(1).max(64)).optional(),
  tags: boundedList(Tag).optional(),
  client_since: EpochMs.nullable().optional(),
  keep_in_touch_days: z.number().int().positive().max(3650).nullable().optional(),
  notes: z.string().max(20_000).nullable().optional(),
  /** A member of the workspace (user id). */
  owner_id: z.string().min(1).max(MAX_REF_LENGTH).nullable().optional(),
});
export type ContactInput = z.input<typeof ContactInputSchema>;

export const ContactPatchSchema = ContactInputSchema.omit({ email: true }).extend({
  email: Email.optional(),
  add_emails: boundedList(Email).optional(),
  lost: z.boolean().optional(),
});
export type ContactPatch = z.input<typeof ContactPatchSchema>;

export interface ContactHealthSummary {
  score: number | null;
  status: HealthStatus | null;
  slipping: boolean;
}

export interface Contact {
  id: string;
  name: string;
  email: string | null;
  emails: string[];
  phones: string[];
  company: string | null;
  kind: ContactKind;
  stage: Stage;
  owner_id: string | null;
  tags: string[];
  client_since: string | null;
  keep_in_touch_days: number | null;
  notes: string | null;
  health: ContactHealthSummary | null;
  last_touch_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export const CONTACT_SORTS = ['health', 'name', 'last-touch', 'company', 'stage', 'tags'] as const;
/** Largest page of GET /contacts: the web app loads every contact in a few pages and filters in the browser. */
export const CONTACT_PAGE_MAX = 2000;
export type ContactSort = (typeof CONTACT_SORTS)[number];

export interface ContactListQuery {
  status?: HealthStatus;
  stage?: Stage;
  tag?: string;
  kind?: ContactKind;
  owner_id?: string;
  q?: string;
  sort?: ContactSort;
  limit?: number;
  cursor?: string;
}
