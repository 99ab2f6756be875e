/** What every rule shares: the input indexed by contact, and `now`. */
import type { EngineContact, EngineFact, EngineInput } from '../engine.types.js';

export interface RuleContext {
  input: EngineInput;
  now: number;
  zone: string;
  contacts: Map<string, EngineContact>;
  factsByContact: Map<string, EngineFact[]>;
}

export function buildContext(input: EngineInput, now: number): RuleContext {
  const contacts = new Map(input.contacts.map((c) => [c.id, c]));
  const factsByContact = new Map<string, EngineFact[]>();
  for (const f of input.facts) {
    const list = factsByContact.get(f.contact_id);
    if (list) list.push(f);
    else factsByContact.set(f.contact_id, [f]);
  }
  return { input, now, zone: input.settings.time_zone, contacts, factsByContact };
}

/** Newest first, ties by id, so that the choice of a fact is deterministic. */
export function newestFirst<T extends { created_at: number; id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
