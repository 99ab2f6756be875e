/**
 * Response schemas of presented contacts for the OpenAPI document. `z.ZodType<Contact>`
 * makes the compiler refuse any drift from the Contact interface of contacts.schema.ts.
 */
import { z } from 'zod';
import { CONTACT_KINDS, STAGES, STATUSES, type Contact } from './contacts.schema.js';
export { InteractionSchema } from '../interactions/interactions.openapi.js';

/** A contact's health as lists show it: as of the last rescore. */
export const ContactHealthSummarySchema = z.object({ score: z.number().nullable(), status: z.enum(STATUSES).nullable(), slipping: z.boolean() });

export const ContactSchema: z.ZodType<Contact> = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  company: z.string().nullable(),
  kind: z.enum(CONTACT_KINDS),
  stage: z.enum(STAGES),
  owner_id: z.string().nullable(),
  tags: z.array(z.string()),
  client_since: z.string().nullable(),
  keep_in_touch_days: z.number().nullable(),
  notes: z.string().nullable(),
  health: ContactHealthSummarySchema.nullable(),
  last_touch_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int(),
});
