/** Row types of the newsletter's tables (migration 0013). Times are epoch milliseconds, UTC. */

export type SubscriberStatus = 'unconfirmed' | 'confirmed' | 'unsubscribed' | 'bounced' | 'complained';
export type SubscriberSource = 'form' | 'import' | 'cli' | 'api' | 'contact';
export type CampaignStatus = 'draft' | 'scheduled' | 'missed' | 'sending' | 'sent' | 'cancelled';
/** A ledger row's state: `uncertain` (the SMTP call may have gone through) is never retried by itself. */
export type SendStatus = 'pending' | 'claimed' | 'sent' | 'failed' | 'uncertain' | 'skipped';
export type NewsletterEventKind = 'open' | 'click' | 'unsubscribe' | 'bounce_hard' | 'bounce_soft' | 'complaint' | 'confirm' | 'reply';

export interface NewsletterListsTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string;
  from_name: string | null;
  from_address: string | null;
  form_key: string;
  created_at: number;
  updated_at: number;
}

export interface NewsletterSubscribersTable {
  workspace_id: string;
  id: string;
  list_id: string;
  email: string;
  name: string | null;
  contact_id: string | null;
  status: SubscriberStatus;
  source: SubscriberSource;
  confirm_token_hash: string | null;
  consent_ip: string | null;
  soft_bounces: number;
  created_at: number;
  confirmed_at: number | null;
  unsubscribed_at: number | null;
  status_changed_at: number;
}

export interface NewsletterSuppressionsTable {
  workspace_id: string;
  email: string;
  reason: 'bounced' | 'complained';
  detail: string;
  created_at: number;
}

export interface NewsletterCampaignsTable {
  workspace_id: string;
  id: string;
  list_id: string;
  subject: string;
  preheader: string;
  body_md: string;
  /** JSON of the segment; null for the whole list. */
  segment: string | null;
  tracking: number;
  status: CampaignStatus;
  scheduled_at: number | null;
  late_limit_hours: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** When the worker found a scheduled campaign past its late limit, and why it did not start it. */
  missed_at: number | null;
  missed_reason: string | null;
}

export interface NewsletterSendsTable {
  workspace_id: string;
  campaign_id: string;
  subscriber_id: string;
  email: string;
  status: SendStatus;
  claimed_by: string | null;
  claimed_at: number | null;
  attempts: number;
  next_attempt_at: number | null;
  message_id: string | null;
  sent_at: number | null;
  error: string | null;
}

export interface NewsletterEventsTable {
  workspace_id: string;
  id: string;
  subscriber_id: string;
  campaign_id: string | null;
  kind: NewsletterEventKind;
  url: string | null;
  detail: string | null;
  at: number;
}

export interface NewsletterDripsTable {
  workspace_id: string;
  id: string;
  list_id: string;
  name: string;
  is_active: number;
  created_at: number;
  updated_at: number;
}

export interface NewsletterDripStepsTable {
  workspace_id: string;
  drip_id: string;
  position: number;
  delay_days: number;
  subject: string;
  body_md: string;
}

export interface NewsletterDripEnrollmentsTable {
  workspace_id: string;
  drip_id: string;
  subscriber_id: string;
  started_at: number;
  stopped_at: number | null;
  stop_reason: 'replied' | 'client' | 'unsubscribed' | 'finished' | null;
}

export interface NewsletterDripSendsTable {
  workspace_id: string;
  drip_id: string;
  position: number;
  subscriber_id: string;
  email: string;
  status: SendStatus;
  claimed_by: string | null;
  claimed_at: number | null;
  attempts: number;
  next_attempt_at: number | null;
  message_id: string | null;
  sent_at: number | null;
  error: string | null;
}

/** Migration 0015: the workspace's secret for signing link tokens. Never leaves the server. */
export interface NewsletterKeysTable {
  workspace_id: string;
  token_secret: string;
  created_at: number;
}
