/**
 * Every job the worker runs, gathered from the domains: a domain declares its jobs in
 * `<domain>.jobs.ts` beside its service and is added here with one line. Tickers find work
 * that became due and enqueue it.
 */
import { HEALTH_JOBS } from '../health/health.jobs.js';
import { IMPORT_JOBS } from '../import/import.jobs.js';
import type { AnyJobDefinition, JobTicker } from '../jobs/jobs.types.js';
import { MAIL_JOBS } from '../mail/mail.jobs.js';
import { NEWSLETTER_JOBS } from '../newsletter/newsletter.jobs.js';
import { SUGGESTION_JOBS } from '../suggestions/suggestions.jobs.js';
import { WEBHOOK_JOBS, webhookTicker } from '../webhooks/webhooks.jobs.js';

export const JOBS: readonly AnyJobDefinition[] = [...MAIL_JOBS, ...WEBHOOK_JOBS, ...HEALTH_JOBS, ...SUGGESTION_JOBS, ...IMPORT_JOBS, ...NEWSLETTER_JOBS];

export const TICKERS: readonly JobTicker[] = [webhookTicker];
