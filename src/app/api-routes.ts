/**
 * Every routes module of /api/v1, in the order of the OpenAPI document. A domain exposes its
 * routes from `<domain>.routes.ts` beside its service and is added here with one line.
 */
import { auditRoutes } from '../audit/audit.routes.js';
import { authRoutes } from '../auth/auth.routes.js';
import { membersRoutes } from '../auth/members.routes.js';
import { tokensRoutes } from '../auth/tokens.routes.js';
import { coachRoutes } from '../coach/coach.routes.js';
import { commitmentsRoutes } from '../commitments/commitments.routes.js';
import { contactsRoutes } from '../contacts/contacts.routes.js';
import { exportsRoutes } from '../contacts/exports.routes.js';
import { factsRoutes } from '../facts/facts.routes.js';
import { healthRoutes } from '../health/health.routes.js';
import { importRoutes } from '../import/import.routes.js';
import { jobsRoutes } from '../jobs/jobs.routes.js';
import { interactionsRoutes } from '../interactions/interactions.routes.js';
import { knowledgeRoutes } from '../knowledge/knowledge.routes.js';
import { mailRoutes } from '../mail/mail.routes.js';
import { newsletterGrowRoutes } from '../newsletter/grow.routes.js';
import { newsletterRoutes } from '../newsletter/newsletter.routes.js';
import { newsletterFormRoutes } from '../newsletter/form.routes.js';
import { reportsRoutes } from '../reports/reports.routes.js';
import { suggestionsRoutes } from '../suggestions/suggestions.routes.js';
import { webhooksRoutes } from '../webhooks/webhooks.routes.js';
import { demoRoutes } from '../workspaces/demo.routes.js';
import { workspacesRoutes } from '../workspaces/workspaces.routes.js';
import type { RoutesPlugin } from '../http/routes.js';

export const API_ROUTES: RoutesPlugin[] = [
  authRoutes,
  workspacesRoutes,
  demoRoutes,
  membersRoutes,
  tokensRoutes,
  contactsRoutes,
  exportsRoutes,
  healthRoutes,
  factsRoutes,
  commitmentsRoutes,
  knowledgeRoutes,
  interactionsRoutes,
  suggestionsRoutes,
  coachRoutes,
  reportsRoutes,
  importRoutes,
  mailRoutes,
  newsletterGrowRoutes,
  newsletterRoutes,
  newsletterFormRoutes,
  webhooksRoutes,
  jobsRoutes,
  auditRoutes,
];
