/** Loads the context of a draft to a contact (metrics, open wait, their last message) and runs the coach. */
import type { Kysely } from 'kysely';
import { findContactOrThrow } from '../contacts/contacts.service.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../errors.js';
import type { ContactMetrics } from '../metrics/metrics.types.js';
import { readJson } from '../shared/json.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { coachDraft, type CoachReport } from './coach.js';

/**
 * @throws not_found (contact), validation (empty draft)
 */
export async function coachDraftFor(db: Kysely<Database>, ws: Workspace, contactRef: string, draft: string, now: number): Promise<CoachReport & { contact: { id: string; name: string; email: string | null } }> {
  if (draft.trim() === '') throw new ValidationError('the draft is empty: give --file FILE or pipe the text on standard input', [{ where: '--file', reason: 'empty' }]);
  const contact = await findContactOrThrow(db, ws, contactRef, now);
  const [health, last, { listOpenWaits }, text] = await Promise.all([
    db.selectFrom('contact_health').select('metrics').where('workspace_id', '=', ws.id).where('contact_id', '=', contact.id).executeTakeFirst(),
    db
      .selectFrom('interactions as i')
      .innerJoin('interaction_contacts as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id'))
      .select(['i.body', 'i.excerpt'])
      .where('i.workspace_id', '=', ws.id)
      .where('p.contact_id', '=', contact.id)
      .where('i.direction', '=', 'in')
      .where('i.kind', 'in', ['email', 'message'])
      .where('i.occurred_at', '<', now)
      .orderBy('i.occurred_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    import('../health/health.service.js'),
    import('../text/index.js'),
  ]);
  const metrics = readJson<Partial<ContactMetrics> | null>(health?.metrics, null);
  const waits = (await listOpenWaits(db, ws, now)).filter((w) => w.contact.id === contact.id).sort((a, b) => b.wait_business_s - a.wait_business_s);
  const [sh, sm] = ws.settings.business_hours.start.split(':').map(Number) as [number, number];
  const [eh, em] = ws.settings.business_hours.end.split(':').map(Number) as [number, number];
  const report = coachDraft(
    draft,
    {
      name: contact.name,
      stage: contact.stage,
      behaviors_180d: metrics?.behaviors_180d ?? null,
      gives_180d: metrics?.gives_180d ?? 0,
      asks_180d: metrics?.asks_180d ?? 0,
      wait: waits[0] ? { wait_business_s: waits[0].wait_business_s, nudges: waits[0].nudges } : null,
      business_day_s: Math.max(60, (eh * 60 + em - sh * 60 - sm) * 60),
      last_inbound: last ? (last.body ?? last.excerpt) : null,
    },
    (t) => text.detectTags(text.ownText(t)),
  );
  return { contact: { id: contact.id, name: contact.name, email: contact.email }, ...report };
}
