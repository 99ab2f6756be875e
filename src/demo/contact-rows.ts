/**
 * Turns one planned person into rows: the contact and its address, its whole history (through
 * MailWriter and writeHistory), its facts, commitments and the knowledge shared with it.
 * Everything is drawn from the contact's own random stream, in a fixed order.
 */
import type { IdGenerator } from '../shared/ids.js';
import type { WriterContext } from './mail-writer.js';
import { MailWriter } from './mail-writer.js';
import { writeHistory, type KnowledgeRef } from './history.js';
import { planCommitments, planFacts, type Person } from './people.js';
import { PERSONA_SPECS } from './personas.js';
import type { Random } from './random.js';

export interface ContactRowsContext extends WriterContext {
  ids: IdGenerator;
  competitors: readonly string[];
  knowledge: readonly KnowledgeRef[];
  /** Company id by company index. */
  companyIds: readonly string[];
}

function tagsOf(person: Person, rng: Random): string[] {
  if (person.persona === 'prospect') return ['newsletter'];
  if (person.persona === 'personal') return [rng.chance(0.5) ? 'friends' : 'family'];
  return person.persona === 'thriving' && rng.chance(0.3) ? ['vip'] : [];
}

/** Adds the rows of contact number `index` to `ctx.rows`; returns how many interactions it has. */
export function addContactRows(ctx: ContactRowsContext, index: number, person: Person, rng: Random): number {
  const { wsId, now, ids, rows } = ctx;
  const spec = PERSONA_SPECS[person.persona];
  const contactId = ids('ct');
  const writer = new MailWriter(ctx, { contactId, email: person.email, domain: person.domain });
  const history = writeHistory(
    {
      persona: person.persona, first: person.first, company: person.company?.name ?? null, interests: person.interests,
      start: person.start, now, competitors: ctx.competitors, knowledge: ctx.knowledge,
      birthday: person.birthday ? [person.birthday.month, person.birthday.day] : null,
    },
    writer,
    rng,
  );
  rows.contacts.push({
    workspace_id: wsId, id: contactId, name: person.name, kind: spec.kind,
    company_id: person.company ? ctx.companyIds[person.company.index]! : null, owner_id: null,
    tags: JSON.stringify(tagsOf(person, rng)),
    phones: JSON.stringify(rng.chance(0.6) ? [`+44 20 7946 0${rng.int(100, 999)}`] : []),
    client_since: spec.kind === 'customer' && rng.chance(0.5) ? person.start : null,
    keep_in_touch_days: person.persona === 'personal' && rng.chance(0.4) ? 30 : null, notes: null, lost: 0,
    first_seen_at: writer.firstSeenAt, version: 1, created_at: person.start, updated_at: person.start,
  });
  rows.contact_emails.push({ workspace_id: wsId, email: person.email, contact_id: contactId, is_primary: 1 });
  for (const f of planFacts(index, person, history.achievements, now, rng)) {
    rows.facts.push({
      workspace_id: wsId, id: ids('fa'), contact_id: contactId, kind: f.kind, text: f.text, date: f.date,
      yearly: f.yearly ? 1 : 0, origin: 'manual', created_at: person.start,
    });
  }
  for (const c of planCommitments(index, person, now, rng)) {
    rows.commitments.push({
      workspace_id: wsId, id: ids('cm'), contact_id: contactId, text: c.text, due_at: c.due,
      status: c.done === null ? 'open' : 'done', done_at: c.done, interaction_id: null, created_at: c.created,
    });
  }
  for (const s of history.shares) {
    rows.knowledge_shares.push({ workspace_id: wsId, knowledge_id: s.knowledgeId, contact_id: contactId, interaction_id: s.interactionId, shared_at: s.at });
  }
  return writer.interactions;
}
