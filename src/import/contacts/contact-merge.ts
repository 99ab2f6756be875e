/**
 * The merge rule of contact import (pure): a draft fills what is empty and adds what is new
 * (addresses, phones, tags, a birthday), and never erases or overwrites what the user set.
 * The one overwrite is a name Rapport made up from an address ("Ada Lovelace" from
 * ada.lovelace@x), which a real name from an address book replaces.
 */
import { nameFromEmail } from '../../contacts/contacts.service.js';
import type { ContactKind } from '../../contacts/contacts.schema.js';
import { phoneKey, pushUnique, type ContactDraft } from './contact-draft.js';

export interface MergeTarget {
  id: string;
  isNew: boolean;
  name: string;
  /** Lower-cased, primary first. */
  emails: string[];
  phones: string[];
  company: string | null;
  notes: string | null;
  tags: string[];
  kind: ContactKind;
  client_since: number | null;
  /** A birthday fact exists (or is about to be written). */
  hasBirthday: boolean;
  /** The birthday fact to write, if this merge found one. */
  newBirthday: string | null;
}

export function isMadeUpName(name: string, emails: string[]): boolean {
  const n = name.trim();
  return !n || emails.some((e) => n === nameFromEmail(e) || n.toLowerCase() === e);
}

/** A new contact from a draft that matched nobody; its name falls back to the address, as mail import does. */
export function targetFromDraft(id: string, draft: ContactDraft): MergeTarget {
  return {
    id,
    isNew: true,
    name: draft.name ?? (draft.emails[0] ? nameFromEmail(draft.emails[0]) : 'Unnamed'),
    emails: [...draft.emails],
    phones: [...draft.phones],
    company: draft.company,
    notes: draft.notes,
    tags: [...draft.tags],
    kind: draft.kind ?? 'customer',
    client_since: draft.client_since,
    hasBirthday: draft.birthday !== null,
    newBirthday: draft.birthday,
  };
}

/**
 * Merges `draft` into `target` in place; `isFree(email)` says whether an address belongs to
 * no other contact (an address is never moved between contacts). Returns whether anything changed.
 */
export function mergeDraft(target: MergeTarget, draft: ContactDraft, isFree: (email: string) => boolean): boolean {
  let changed = false;
  if (draft.name && draft.name !== target.name && isMadeUpName(target.name, target.emails)) {
    target.name = draft.name;
    changed = true;
  }
  for (const email of draft.emails) {
    if (!target.emails.includes(email) && isFree(email)) {
      target.emails.push(email);
      changed = true;
    }
  }
  const before = target.phones.length + target.tags.length;
  for (const phone of draft.phones) pushUnique(target.phones, phone, phoneKey);
  for (const tag of draft.tags) pushUnique(target.tags, tag);
  if (target.phones.length + target.tags.length !== before) changed = true;
  if (!target.company && draft.company) {
    target.company = draft.company;
    changed = true;
  }
  if (!target.notes && draft.notes) {
    target.notes = draft.notes;
    changed = true;
  }
  if (target.client_since === null && draft.client_since !== null) {
    target.client_since = draft.client_since;
    changed = true;
  }
  if (!target.hasBirthday && draft.birthday) {
    target.hasBirthday = true;
    target.newBirthday = draft.birthday;
    changed = true;
  }
  return changed;
}
