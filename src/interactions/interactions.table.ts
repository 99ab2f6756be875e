import type { Generated } from 'kysely';

export interface InteractionsTable {
  workspace_id: string;
  id: string;
  /** Message-ID for mail, a content hash without one, `manual:<id>` for logged interactions. */
  identity: string;
  kind: string;
  direction: string;
  occurred_at: number;
  /** 1 when the message had no usable Date and took the time it was received. */
  date_inferred: Generated<number>;
  subject: string | null;
  /** Normalized subject (SPEC §3.4), the key of the subject threading rule. */
  subject_key: string | null;
  excerpt: string | null;
  /** The message's own text: quoted history and signature removed. */
  body: string | null;
  word_count: Generated<number>;
  is_closer: Generated<number>;
  sentiment: number | null;
  automated: Generated<number>;
  source: string;
  from_address: string | null;
  message_id: string | null;
  in_reply_to: string | null;
  /** JSON string[] of References. */
  refs: Generated<string>;
  thread_id: string | null;
  /** JSON {name, size}[] */
  attachments: Generated<string>;
  /**
   * Mail: JSON {role, email, name}[] of the sender (role from) and every recipient, own ones
   * included, from which direction and counterparts are derived again when the own addresses
   * change. Null for other kinds and for mail imported before it was kept.
   */
  addresses?: string | null;
  created_by: string | null;
  created_at: number;
}

export interface InteractionContactsTable {
  workspace_id: string;
  interaction_id: string;
  contact_id: string;
  /** from | to | cc | bcc | attendee | with */
  role: string;
}

export interface InteractionRefsTable {
  workspace_id: string;
  ref_message_id: string;
  interaction_id: string;
}

export interface InteractionBehaviorsTable {
  workspace_id: string;
  interaction_id: string;
  behavior: string;
  /** 'manual' or the name of the rule that fired. */
  origin: string;
}

export interface ThreadsTable {
  workspace_id: string;
  id: string;
  subject: string | null;
  first_at: number;
  last_at: number;
  message_count: Generated<number>;
}
