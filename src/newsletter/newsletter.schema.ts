/**
 * The newsletter's contract for the CLI, the API and the web app: lists, subscribers,
 * campaigns and their send statistics. Field names are public: never rename one.
 */
import { z } from 'zod';
import { CONTACT_KINDS, STAGES, STATUSES } from '../contacts/contacts.schema.js';

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

/** Who of a list's confirmed subscribers a campaign goes to; every given condition must hold. */
export const SegmentSchema = z.strictObject({
  tags: z.array(z.string().trim().min(1).max(64)).max(20).optional().describe('the contact has every one of these tags'),
  stage: z.enum(STAGES).optional(),
  kind: z.enum(CONTACT_KINDS).optional(),
  status: z.enum(STATUSES).optional().describe('relationship health status'),
  engaged_days: z.number().int().min(1).max(3650).optional().describe('opened or clicked a campaign within this many days'),
});
export type Segment = z.infer<typeof SegmentSchema>;

/** missed: scheduled, but the worker could not start it within its late limit; send it now or reschedule it. */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'missed', 'sending', 'sent', 'cancelled'] as const;

export const CampaignInputSchema = z.strictObject({
  list: z.string().min(1).max(200).describe('list id or name'),
  markdown: z.string().min(1).max(500_000).describe('the issue in Markdown, with front matter: subject, preheader'),
  segment: SegmentSchema.nullable().optional(),
  tracking: z.boolean().default(true).describe('open pixel and click redirects'),
  late_limit_hours: z.number().int().min(0).max(24 * 30).default(6).describe('a scheduled send this many hours late does not start'),
});
export type CampaignInput = z.input<typeof CampaignInputSchema>;

export const CampaignSchema = z.object({
  id: z.string(),
  list_id: z.string(),
  subject: z.string(),
  preheader: z.string(),
  body_md: z.string(),
  segment: SegmentSchema.nullable(),
  tracking: z.boolean(),
  status: z.enum(CAMPAIGN_STATUSES),
  scheduled_at: z.string().nullable(),
  late_limit_hours: z.number().int(),
  links: z.array(z.string()).describe('the trackable links, in order'),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  missed_at: z.string().nullable().describe('when the worker found it scheduled past its late limit (status missed)'),
  missed_reason: z.string().nullable().describe('why a missed campaign did not start'),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const UncertainRecipientSchema = z.object({
  subscriber_id: z.string(),
  email: z.string(),
  reason: z.string().describe('what the send saw: the connection lost after the message was handed over, or the sender stopped mid-send'),
  at: z.string().nullable().describe('when the send was attempted'),
});
export type UncertainRecipient = z.infer<typeof UncertainRecipientSchema>;

export const PreviewSchema = z.object({
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  recipients: z.number().int().describe('how many subscribers the segment holds now'),
});
export type Preview = z.infer<typeof PreviewSchema>;

export const SendStatsSchema = z.object({
  campaign_id: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  total: z.number().int(),
  pending: z.number().int(),
  claimed: z.number().int().describe('being sent now'),
  sent: z.number().int(),
  failed: z.number().int(),
  uncertain: z.number().int().describe('the mail server may or may not have taken it: never resent unless released'),
  skipped: z.number().int().describe('unsubscribed, bounced or suppressed before their turn'),
  opened: z.number().int().describe('recipients who opened'),
  clicked: z.number().int().describe('recipients who clicked'),
  unsubscribed: z.number().int(),
  bounced: z.number().int().describe('recipients whose copy bounced (hard or soft), from delivery reports found in mail'),
  complained: z.number().int().describe('recipients who reported it as spam'),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type SendStats = z.infer<typeof SendStatsSchema>;

/** The stats with why a missed campaign did not start. */
export const CampaignStatsSchema = SendStatsSchema.extend({
  missed_at: z.string().nullable().describe('when the worker found it past its late limit (status missed)'),
  missed_reason: z.string().nullable(),
});
export type CampaignStats = z.infer<typeof CampaignStatsSchema>;
