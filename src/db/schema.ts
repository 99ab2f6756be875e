/** The Database type, assembled from each domain's table file. */
import type { AuditLogTable } from '../audit/audit.table.js';
import type { FirstOwnerTable, InvitationsTable, SessionsTable } from '../auth/auth.table.js';
import type { CommitmentsTable } from '../commitments/commitments.table.js';
import type { CompaniesTable, ContactEmailsTable, ContactsTable } from '../contacts/contacts.table.js';
import type { FactsTable } from '../facts/facts.table.js';
import type { ImportJobsTable } from '../import/import-jobs.table.js';
import type { ContactHealthTable, HealthSnapshotsTable } from '../health/health.table.js';
import type {
  InteractionBehaviorsTable,
  InteractionContactsTable,
  InteractionRefsTable,
  InteractionsTable,
  ThreadsTable,
} from '../interactions/interactions.table.js';
import type { ImportsTable, ThreadSubjectKeysTable } from '../import/import.table.js';
import type { MailAccountsTable, MailFoldersTable } from '../mail/mail.table.js';
import type {
  NewsletterCampaignsTable,
  NewsletterDripEnrollmentsTable,
  NewsletterDripSendsTable,
  NewsletterDripStepsTable,
  NewsletterDripsTable,
  NewsletterEventsTable,
  NewsletterKeysTable,
  NewsletterListsTable,
  NewsletterSendsTable,
  NewsletterSubscribersTable,
  NewsletterSuppressionsTable,
} from '../newsletter/newsletter.table.js';
import type { NewsletterConfirmMailsTable } from '../newsletter/public.table.js';
import type { KnowledgeItemsTable, KnowledgeSharesTable } from '../knowledge/knowledge.table.js';
import type { SuggestionContactsTable, SuggestionRunsTable, SuggestionsTable } from '../suggestions/suggestions.table.js';
import type { TodayPlanItemsTable, TodayPlansTable } from '../suggestions/plan.table.js';
import type { WebhookDeliveriesTable, WebhooksTable } from '../webhooks/webhooks.table.js';
import type { ApiTokensTable, MembershipsTable, UsersTable, WorkspacesTable } from '../workspaces/workspaces.table.js';
import type { JobEffectsTable, LocalJobsTable } from '../jobs/jobs.table.js';

/** Rate-limit counts shared by the servers of one PostgreSQL database (migration 0017). */
export interface RateLimitHitsTable {
  key: string;
  window_start: number;
  hits: number;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  companies: CompaniesTable;
  contacts: ContactsTable;
  contact_emails: ContactEmailsTable;
  facts: FactsTable;
  commitments: CommitmentsTable;
  knowledge_items: KnowledgeItemsTable;
  knowledge_shares: KnowledgeSharesTable;
  threads: ThreadsTable;
  interactions: InteractionsTable;
  interaction_contacts: InteractionContactsTable;
  interaction_refs: InteractionRefsTable;
  interaction_behaviors: InteractionBehaviorsTable;
  contact_health: ContactHealthTable;
  health_snapshots: HealthSnapshotsTable;
  suggestions: SuggestionsTable;
  suggestion_runs: SuggestionRunsTable;
  suggestion_contacts: SuggestionContactsTable;
  today_plans: TodayPlansTable;
  today_plan_items: TodayPlanItemsTable;
  imports: ImportsTable;
  thread_subject_keys: ThreadSubjectKeysTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  audit_log: AuditLogTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  import_jobs: ImportJobsTable;
  mail_accounts: MailAccountsTable;
  mail_folders: MailFoldersTable;
  first_owner: FirstOwnerTable;
  newsletter_lists: NewsletterListsTable;
  newsletter_subscribers: NewsletterSubscribersTable;
  newsletter_suppressions: NewsletterSuppressionsTable;
  newsletter_campaigns: NewsletterCampaignsTable;
  newsletter_sends: NewsletterSendsTable;
  newsletter_events: NewsletterEventsTable;
  newsletter_drips: NewsletterDripsTable;
  newsletter_drip_steps: NewsletterDripStepsTable;
  newsletter_drip_enrollments: NewsletterDripEnrollmentsTable;
  newsletter_drip_sends: NewsletterDripSendsTable;
  /** SQLite only: the in-process runner's jobs (on PostgreSQL graphile-worker keeps its own). */
  local_jobs: LocalJobsTable;
  job_effects: JobEffectsTable;
  newsletter_keys: NewsletterKeysTable;
  newsletter_confirm_mails: NewsletterConfirmMailsTable;
  rate_limit_hits: RateLimitHitsTable;
}
