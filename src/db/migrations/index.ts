import type { Migration } from 'kysely/migration';
import { migration as foundation } from './0001-foundation.js';
import { migration as importMigration } from './0002-import.js';
import { migration as health } from './0003-health.js';
import { migration as suggestions } from './0004-suggestions.js';
import { migration as api } from './0005-api.js';
import { migration as authHardening } from './0007-auth-hardening.js';
import { migration as citusKeys } from './0012-citus-keys.js';
import { migration as firstHour } from './0009-first-hour.js';
import { migration as mail } from './0010-mail.js';
import { migration as suggestionPriority } from './0006-suggestion-priority.js';
import { migration as todayPlan } from './0011-today-plan.js';
import { migration as newsletter } from './0013-newsletter.js';
import { migration as rateLimits } from './0017-rate-limits.js';
import { migration as todayFast } from './0019-today-fast.js';
import { migration as jobs } from './0014-jobs.js';
import { migration as newsPage } from './0023-news-page.js';
import { migration as todayReads } from './0024-today-reads.js';
import { migration as newsletterSend } from './0015-newsletter-send.js';
import { migration as newsletterPublic } from './0016-newsletter-public.js';
import { migration as webSpeed } from './0020-web-speed.js';

/**
 * Every migration, in order. Names are versions: append new ones, never rename or edit one
 * that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-import': importMigration,
  '0003-health': health,
  '0004-suggestions': suggestions,
  '0005-api': api,
  '0006-suggestion-priority': suggestionPriority,
  '0007-auth-hardening': authHardening,
  '0009-first-hour': firstHour,
  '0010-mail': mail,
  '0011-today-plan': todayPlan,
  '0012-citus-keys': citusKeys,
  '0013-newsletter': newsletter,
  '0014-jobs': jobs,
  '0015-newsletter-send': newsletterSend,
  '0016-newsletter-public': newsletterPublic,
  '0017-rate-limits': rateLimits,
  '0019-today-fast': todayFast,
  '0020-web-speed': webSpeed,
  '0023-news-page': newsPage,
  '0024-today-reads': todayReads,
};
