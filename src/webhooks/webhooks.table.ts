export interface WebhooksTable {
  workspace_id: string;
  id: string;
  url: string;
  description: string | null;
  /** `whsec_` + base64 key (Standard Webhooks). */
  secret: string;
  /** JSON array of event types; empty = every event. */
  events: string;
  active: number;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveriesTable {
  workspace_id: string;
  id: string;
  webhook_id: string;
  event_type: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  /** 'pending', 'succeeded' or 'failed' (gave up). */
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  response_status: number | null;
  last_error: string | null;
  created_at: number;
}
