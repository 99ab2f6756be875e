/**
 * Mail accounts, sync status, connection tests and outgoing messages: the API contract, shared
 * by the CLI and the web app. A password goes in (account creation) and never comes out.
 */
import { z } from 'zod';

export const MAIL_URL_SCHEMES = { imap: ['imap', 'imaps'], smtp: ['smtp', 'smtps'] } as const;

const mailUrl = (kind: 'imap' | 'smtp') =>
  z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe(`${kind}s://user@host[:port] (TLS), or ${kind}://… (STARTTLS when the server offers it); no password in the URL`);

export const MailAccountInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  imap: mailUrl('imap'),
  smtp: mailUrl('smtp'),
  password: z.string().min(1).max(1000),
  /** The From address; default the IMAP user when it is an address. */
  address: z.email().optional(),
  /** Folders to sync; default INBOX and the Sent folder. */
  folders: z.array(z.string().trim().min(1).max(500)).min(1).max(100).optional(),
  history_days: z.number().int().min(1).max(36500).default(365),
});
export type MailAccountInput = z.input<typeof MailAccountInputSchema>;

export const FolderStatusSchema = z.object({
  path: z.string(),
  role: z.enum(['inbox', 'sent', 'other']),
  last_success_at: z.string().nullable(),
  last_run_messages: z.number(),
  last_error: z.string().nullable(),
  last_error_at: z.string().nullable(),
  progress: z.object({ done: z.number(), total: z.number() }),
});

export const MailAccountSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  imap: z.string(),
  smtp: z.string(),
  folders: z.array(z.string()).nullable(),
  history_days: z.number(),
  created_at: z.string(),
  status: z.object({
    /** never: not synced yet; ok: every folder's last run succeeded; error: a folder's last run failed; syncing: a sync holds the account. */
    state: z.enum(['never', 'ok', 'error', 'syncing']),
    /** The last time every folder had synced; null while any folder never succeeded. */
    last_success_at: z.string().nullable(),
    last_error: z.string().nullable(),
    last_error_at: z.string().nullable(),
    folders: z.array(FolderStatusSchema),
  }),
});
export type MailAccount = z.infer<typeof MailAccountSchema>;

export const CONNECTION_STEPS = ['dns', 'connect', 'tls', 'login', 'folder'] as const;

export const ConnectionCheckSchema = z.object({
  server: z.enum(['imap', 'smtp']),
  ok: z.boolean(),
  /** The step that failed (null when all passed). */
  failed: z.enum(CONNECTION_STEPS).nullable(),
  message: z.string(),
});

export const ConnectionTestSchema = z.object({
  ok: z.boolean(),
  checks: z.array(ConnectionCheckSchema),
});
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;
export type ConnectionCheck = z.infer<typeof ConnectionCheckSchema>;

export const SendInputSchema = z.strictObject({
  /** A contact id or address. */
  contact: z.string().trim().min(1).max(320),
  subject: z.string().trim().max(998).optional(),
  /** Markdown. */
  body: z.string().min(1).max(1_000_000),
  reply_to_thread: z.string().trim().min(1).max(200).optional(),
  account: z.string().trim().min(1).max(200).optional(),
  /** A suggestion of this contact the message carries out (Today's reply): marked done once sent. */
  suggestion: z.string().trim().min(1).max(200).optional(),
});
export type SendInput = z.input<typeof SendInputSchema>;

export const SentMessageSchema = z.object({
  message_id: z.string(),
  interaction_id: z.string(),
  thread_id: z.string().nullable(),
  to: z.string(),
  subject: z.string(),
  appended_to_sent: z.boolean(),
  /** Only when the send carried out a suggestion: the suggestion, now done. */
  suggestion: z.object({ id: z.string(), status: z.literal('done') }).optional(),
});
export type SentMessage = z.infer<typeof SentMessageSchema>;

export const SyncSummarySchema = z.object({
  read: z.number(),
  imported: z.number(),
  duplicates: z.number(),
  automated: z.number(),
  malformed: z.number(),
  contacts_created: z.number(),
  threads: z.number(),
  seconds: z.number(),
  errors: z.array(z.object({ where: z.string(), reason: z.string() })),
  /** Folders whose sync failed, "account/folder: reason". */
  failures: z.array(z.string()),
});

/** What POST /invitations adds to the invitation: whether it was mailed to the invitee. */
export const InvitationMailSchema = z.object({
  mailed: z.boolean().describe('true when the invitation went out by mail from the workspace\'s mail account'),
  mail_error: z.string().optional().describe('why the mail did not go out, when the workspace has an account'),
});
