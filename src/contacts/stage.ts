import { DAY_MS } from '../shared/time.js';
import type { ContactKind, Stage } from './contacts.schema.js';

export interface StageInput {
  kind: ContactKind;
  lost: boolean;
  client_since: number | null;
  /** First non-automated, non-internal interaction, if any. */
  first_seen_at: number | null;
  created_at: number;
}

/**
 * SPEC §5.3. The relationship starts at client_since, else at the first interaction; a contact
 * with neither starts when it was added, so a new customer begins in the honeymoon.
 */
export function computeStage(contact: StageInput, honeymoonDays: number, now: number): Stage {
  if (contact.lost) return 'lost';
  if (contact.kind === 'personal') return 'personal';
  if (contact.kind === 'prospect' && contact.client_since === null) return 'prospect';
  const start = relationshipStart(contact);
  return now < start + honeymoonDays * DAY_MS ? 'honeymoon' : 'established';
}

export function relationshipStart(contact: Pick<StageInput, 'client_since' | 'first_seen_at' | 'created_at'>): number {
  return contact.client_since ?? contact.first_seen_at ?? contact.created_at;
}
