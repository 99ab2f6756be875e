/** Queries of the public pages that the lists' and subscribers' repository has no use for. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ListRow } from './subscribers.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The list of a public form: its key is the only thing the request brings. */
export function findListRowByFormKey(db: Db, formKey: string): Promise<ListRow | undefined> {
  return db.selectFrom('newsletter_lists').selectAll().where('form_key', '=', formKey).executeTakeFirst();
}

/**
 * Takes the right to send a confirmation mail to a subscriber now, unless one went out within
 * `intervalMs`. One statement, so two forms posted at once send one mail.
 */
export async function claimConfirmMail(db: Db, workspaceId: string, subscriberId: string, now: number, intervalMs: number): Promise<boolean> {
  const result = await db
    .insertInto('newsletter_confirm_mails')
    .values({ workspace_id: workspaceId, subscriber_id: subscriberId, sent_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'subscriber_id']).doUpdateSet({ sent_at: now }).where('newsletter_confirm_mails.sent_at', '<=', now - intervalMs))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Gives the claim back when the mail could not be sent. */
export async function releaseConfirmMail(db: Db, workspaceId: string, subscriberId: string): Promise<void> {
  await db.deleteFrom('newsletter_confirm_mails').where('workspace_id', '=', workspaceId).where('subscriber_id', '=', subscriberId).execute();
}
