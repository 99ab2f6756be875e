/**
 * A change of the workspace's own addresses, applied to the mail already stored: each email's
 * direction and counterparts are derived again from its kept sender and recipients (as the
 * import derives them), with what follows from them (participants and new contacts, subject
 * keys, outbound behaviour tags, inbound sentiment), and every contact is rescored.
 */
import type { Db } from '../../db/database.js';
import { upsertContacts } from '../../contacts/contacts.service.js';
import { lowerFirstSeen } from '../../contacts/contacts.repo.js';
import { rescoreWorkspace } from '../../health/health.service.js';
import { analyzeText } from '../../text/index.js';
import { type Addressed, deriveDirection, makeIsOwn } from '../../workspaces/own-addresses.js';
import type { Workspace, WorkspaceSettings } from '../../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../../workspaces/workspaces.service.js';
import { listKnowledgeUrls } from './mail-import.repo.js';
import { clearDerived, countStoredMail, findContactsByAddresses, listStoredMail, setDirection, type StoredMail } from './rederive.repo.js';

const PAGE = 500;

export interface OwnAddressesResult {
  /** Emails whose sender and recipients are kept, all looked at again. */
  messages: number;
  /** Of those, the ones whose direction or counterparts changed. */
  changed: number;
  contacts_created: number;
  /** Emails imported before senders and recipients were kept: left as they were. */
  messages_without_addresses: number;
  /** Contacts with an address that is now your own; they stay until you delete them. */
  own_contacts: { id: string; name: string; email: string }[];
  rescored: number;
}

export type OwnAddressesProgress = (phase: 'mail' | 'health', done: number, total: number) => void;

/**
 * Applies a settings patch that changes the own addresses or domains: derives stored mail again
 * in the same transaction, then rescores every contact.
 * @throws validation when the new settings are invalid.
 */
export async function changeOwnAddresses(
  db: Db,
  ws: Workspace,
  patch: Partial<WorkspaceSettings>,
  now: number,
  onProgress?: OwnAddressesProgress,
): Promise<{ workspace: Workspace; result: OwnAddressesResult }> {
  const wasOwn = makeIsOwn(ws.settings);
  const { updated, counts } = await db.kysely.transaction().execute(async (trx) => {
    const updated = await updateWorkspaceSettings(trx, ws, patch, now);
    const isOwn = makeIsOwn(updated.settings);
    const { withAddresses, withoutAddresses } = await countStoredMail(trx, ws.id);
    const analysisOptions = { competitors: updated.settings.competitors, knowledgeUrls: await listKnowledgeUrls(trx, ws.id) };
    let changed = 0;
    let created = 0;
    let done = 0;
    let after: string | null = null;
    for (;;) {
      const page: StoredMail[] = await listStoredMail(trx, ws.id, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const redone = page.flatMap((mail) => {
        const addresses = JSON.parse(mail.addresses) as Addressed[];
        const before = deriveDirection(addresses, wasOwn);
        const derived = deriveDirection(addresses, isOwn);
        const same = derived.direction === mail.direction && sameEmails(derived.counterparts, before.counterparts);
        return same ? [] : [{ mail, ...derived }];
      });
      await clearDerived(trx, ws.id, redone.map((r) => r.mail.id));
      // Counterparts of non-automated, non-internal mail are contacts, as the import makes them.
      const people = redone.filter((r) => !r.mail.automated && r.direction !== 'internal').flatMap((r) => r.counterparts);
      const { byEmail, created: newContacts } = await upsertContacts(trx, updated, people, now);
      created += newContacts.length;
      const participants: { workspace_id: string; interaction_id: string; contact_id: string; role: string }[] = [];
      const subjectKeys: { workspace_id: string; subject_key: string; counterpart: string; occurred_at: number; interaction_id: string }[] = [];
      const tags: { workspace_id: string; interaction_id: string; behavior: string; origin: string }[] = [];
      for (const { mail, direction, counterparts } of redone) {
        const analysis = analyzeText(mail.body ?? '', direction, analysisOptions);
        await setDirection(trx, ws.id, mail.id, direction, analysis.sentiment ?? null);
        for (const t of new Map(analysis.tags.map((tag) => [tag.behavior, tag])).values()) {
          tags.push({ workspace_id: ws.id, interaction_id: mail.id, behavior: t.behavior, origin: t.origin });
        }
        if (!mail.automated && direction !== 'internal') {
          const contacts = new Map<string, string>();
          for (const c of counterparts) {
            const contactId = byEmail.get(c.email.toLowerCase());
            if (contactId && !contacts.has(contactId)) contacts.set(contactId, c.role);
          }
          for (const [contactId, role] of contacts) {
            participants.push({ workspace_id: ws.id, interaction_id: mail.id, contact_id: contactId, role });
            await lowerFirstSeen(trx, ws.id, [contactId], mail.occurred_at);
          }
        }
        if (mail.subject_key) {
          for (const counterpart of new Set(counterparts.map((c) => c.email))) {
            subjectKeys.push({ workspace_id: ws.id, subject_key: mail.subject_key, counterpart, occurred_at: mail.occurred_at, interaction_id: mail.id });
          }
        }
      }
      if (participants.length > 0) await trx.insertInto('interaction_contacts').values(participants).execute();
      if (subjectKeys.length > 0) await trx.insertInto('thread_subject_keys').values(subjectKeys).execute();
      if (tags.length > 0) await trx.insertInto('interaction_behaviors').values(tags).execute();
      changed += redone.length;
      done += page.length;
      onProgress?.('mail', done, withAddresses);
    }
    return { updated, counts: { messages: withAddresses, changed, contacts_created: created, messages_without_addresses: withoutAddresses } };
  });
  const isOwn = makeIsOwn(updated.settings);
  const own = await findContactsByAddresses(db.kysely, ws.id, updated.settings.own_addresses, updated.settings.own_domains);
  const rescored = await rescoreWorkspace(db, updated, now, onProgress && ((done, total) => onProgress('health', done, total)));
  return {
    workspace: updated,
    result: { ...counts, own_contacts: own.filter((c) => isOwn(c.email)), rescored: rescored.contacts },
  };
}

function sameEmails(a: readonly Addressed[], b: readonly Addressed[]): boolean {
  if (a.length !== b.length) return false;
  const emails = new Set(a.map((x) => x.email));
  return b.every((x) => emails.has(x.email));
}
