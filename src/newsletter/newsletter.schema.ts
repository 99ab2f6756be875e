/**
 * The newsletter's contract for the CLI, the API and the web app: lists, subscribers,
 * campaigns and their send statistics. Field names are public: never rename one.
 */
import { z } from 'zod';

export const SUBSCRIBER_STATUSES = ['unconfirmed', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export const SUBSCRIBER_SOURCES = ['form', 'import', 'cli', 'api', 'contact'] as const;

const Email = z.string().trim().max(320).email('not an email address');

export const ListInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'a list needs a name').max(200),
  description: z.string().max(2000).optional(),
  from_name: z.string().trim().max(200).nullable().optional(),
  from_address: Email.nullable().optional(),
});
export type ListInput = z.infer<typeof ListInputSchema>;

export const ListSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  from_name: z.string().nullable(),
  from_address: z.string().nullable(),
  form_key: z.string().describe('the key in the public subscribe form’s address'),
  created_at: z.string(),
  subscribers: z.object(Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof SUBSCRIBER_STATUSES)[number], z.ZodNumber>),
});
export type NewsletterList = z.infer<typeof ListSchema>;

export const SubscribeInputSchema = z.strictObject({
  email: Email,
  name: z.string().trim().max(200).nullable().optional(),
  confirmed: z.boolean().default(false).describe('the address gave consent elsewhere: no confirmation mail'),
});
export type SubscribeInput = z.input<typeof SubscribeInputSchema>;

export const SubscriberSchema = z.object({
  id: z.string(),
  list_id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  contact_id: z.string().nullable(),
  status: z.enum(SUBSCRIBER_STATUSES),
  source: z.enum(SUBSCRIBER_SOURCES),
  created_at: z.string(),
  confirmed_at: z.string().nullable(),
  unsubscribed_at: z.string().nullable(),
  status_changed_at: z.string(),
});
export type Subscriber = z.infer<typeof SubscriberSchema>;

export const ImportResultSchema = z.object({
  list_id: z.string(),
  added: z.number().int(),
  already: z.number().int().describe('addresses already on the list (their status is kept)'),
  suppressed: z.array(z.string()).describe('addresses left out because they bounced or complained'),
  status: z.enum(['confirmed', 'unconfirmed']),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;
