/** Webhook subscriptions, events and deliveries: the API contract. Event names are public. */
import { z } from 'zod';
import { RowVersion } from '../shared/limits.js';

export const EVENT_TYPES = [
  'contact.created',
  'contact.updated',
  'contact.status_changed',
  'interaction.created',
  'wait.opened',
  'wait.closed',
  'suggestion.created',
  'suggestion.updated',
  'commitment.created',
  'import.completed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Url = z.string().trim().min(1).max(2000).pipe(z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }));

export const WebhookInputSchema = z.strictObject({
  url: Url,
  /** Empty or omitted: every event. */
  events: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).default([]),
  description: z.string().trim().max(500).nullable().optional(),
  active: z.boolean().default(true),
});
export type WebhookInput = z.input<typeof WebhookInputSchema>;

export const WebhookPatchSchema = z.strictObject({
  url: Url.optional(),
  events: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  active: z.boolean().optional(),
  /** The version the edit is based on (or send If-Match). */
  version: RowVersion.optional(),
});

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  active: z.boolean(),
  version: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  /** `whsec_…`: shown when the webhook is created only. */
  secret: z.string().optional(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const DeliverySchema = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  response_status: z.number().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  payload: z.unknown(),
});
export type Delivery = z.infer<typeof DeliverySchema>;
