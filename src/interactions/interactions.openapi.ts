/** Response schemas of presented interactions and threads for the OpenAPI document, checked against their interfaces. */
import { z } from 'zod';
import { DIRECTIONS, INTERACTION_KINDS, TAGS, type Interaction, type Thread } from './interactions.schema.js';

export const InteractionSchema: z.ZodType<Interaction> = z.object({
  id: z.string(),
  kind: z.enum(INTERACTION_KINDS),
  direction: z.enum(DIRECTIONS),
  at: z.string(),
  subject: z.string().nullable(),
  excerpt: z.string().nullable(),
  behaviors: z.array(z.object({ behavior: z.enum(TAGS), origin: z.string() })),
  sentiment: z.number().nullable(),
  automated: z.boolean(),
  source: z.string(),
  contact_ids: z.array(z.string()),
  thread_id: z.string().nullable(),
  message_id: z.string().nullable(),
  date_inferred: z.boolean(),
});

export const ThreadSchema: z.ZodType<Thread> = z.object({
  id: z.string(),
  subject: z.string().nullable(),
  first_at: z.string(),
  last_at: z.string(),
  message_count: z.number().int(),
  contact_ids: z.array(z.string()),
  interactions: z.array(InteractionSchema),
});
