/**
 * The API contract of the newsletter's funnel and drips: the web app, the CLI's --json and
 * the OpenAPI document read these shapes; field names are a public contract.
 */
import { z } from 'zod';

const Counts = {
  subscribers: z.number().int().describe('subscribers who confirmed (later unsubscribes included)'),
  engaged: z.number().int().describe('of them, those who opened or clicked in the window'),
  replied: z.number().int().describe('those who wrote to you since subscribing'),
  clients: z.number().int().describe('those whose contact became a client since subscribing'),
  median_issues_before_reply: z.number().nullable().describe('median number of issues received before the first reply'),
  median_issues_before_client: z.number().nullable().describe('median number of issues received before becoming a client'),
};

export const FunnelSchema = z.object({
  engaged_window_days: z.number().int(),
  total: z.object(Counts),
  lists: z.array(z.object({ list_id: z.string(), name: z.string(), ...Counts })),
  months: z.array(z.object({ month: z.string().describe('YYYY-MM of the subscription, in the workspace time zone'), ...Counts })),
});

export const FunnelQuerySchema = z.object({ list: z.string().min(1).max(200).optional().describe('a list id or name') });

export const DripStepSchema = z.object({
  position: z.number().int(),
  after_days: z.number().int().describe('days after the subscriber confirmed'),
  subject: z.string(),
  body_md: z.string(),
});

export const DripSchema = z.object({
  id: z.string(),
  list_id: z.string(),
  list: z.string(),
  name: z.string(),
  active: z.boolean(),
  created_at: z.string(),
  steps: z.array(DripStepSchema),
  enrolled: z.number().int().describe('subscribers enrolled, stopped ones included'),
  active_enrollments: z.number().int(),
  sent: z.number().int().describe('drip messages sent'),
});
export type Drip = z.infer<typeof DripSchema>;

export const DripCreateSchema = z.object({ list: z.string().min(1).max(200).describe('list id or name'), name: z.string().trim().min(1).max(200) });
export const DripStepCreateSchema = z.object({
  after_days: z.number().int().min(0).max(3650),
  markdown: z.string().min(1).max(200_000).describe('the message in Markdown with front matter (subject, preheader)'),
});
