/** Every query of live mail: accounts, their sync lease and per-folder cursors and status. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import type { MailAccountsTable, MailFoldersTable } from './mail.table.js';

type Db = Kysely<Database> | Transaction<Database>;
export type MailAccountRow = MailAccountsTable;
export type MailFolderRow = MailFoldersTable;

export async function insertAccount(db: Db, row: MailAccountRow): Promise<void> {
  await db.insertInto('mail_accounts').values(row).execute();
}

export function listAccountRows(db: Db, workspaceId: string): Promise<MailAccountRow[]> {
  return db.selectFrom('mail_accounts').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
}

/** Accounts of every workspace: what `serve` keeps current. */
export function listAllAccountRows(db: Db): Promise<MailAccountRow[]> {
  return db.selectFrom('mail_accounts').selectAll().orderBy('workspace_id').orderBy('id').execute();
}

/** By id, or by name when no id matches. @throws not_found. */
export async function findAccountRowOrThrow(db: Db, workspaceId: string, ref: string): Promise<MailAccountRow> {
  const row =
    (await db.selectFrom('mail_accounts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', ref).executeTakeFirst()) ??
    (await db.selectFrom('mail_accounts').selectAll().where('workspace_id', '=', workspaceId).where('name', '=', ref).executeTakeFirst());
  if (!row) throw new NotFoundError('mail account', ref);
  return row;
}

export async function deleteAccountRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.deleteFrom('mail_accounts').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/**
 * Takes the account's sync lease when it is free or expired: one atomic UPDATE, so two
 * processes on one database cannot both win. Returns whether this owner holds it.
 */
export async function takeLease(db: Db, workspaceId: string, id: string, owner: string, now: number, until: number): Promise<boolean> {
  const result = await db
    .updateTable('mail_accounts')
    .set({ lease_owner: owner, lease_until: until })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(db: Db, workspaceId: string, id: string, owner: string): Promise<void> {
  await db
    .updateTable('mail_accounts')
    .set({ lease_owner: null, lease_until: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

export function listFolderRows(db: Db, workspaceId: string, accountIds: string[]): Promise<MailFolderRow[]> {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mail_folders')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('account_id', 'in', accountIds)
    .orderBy('account_id')
    .orderBy('path')
    .execute();
}

export async function ensureFolderRow(db: Db, workspaceId: string, accountId: string, path: string, role: string): Promise<MailFolderRow> {
  await db
    .insertInto('mail_folders')
    .values({ workspace_id: workspaceId, account_id: accountId, path, role, last_run_messages: 0, progress_done: 0, progress_total: 0 })
    .onConflict((oc) => oc.columns(['workspace_id', 'account_id', 'path']).doUpdateSet({ role }))
    .execute();
  return db
    .selectFrom('mail_folders')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('account_id', '=', accountId)
    .where('path', '=', path)
    .executeTakeFirstOrThrow();
}

export async function updateFolderRow(db: Db, workspaceId: string, accountId: string, path: string, values: Partial<Omit<MailFolderRow, 'workspace_id' | 'account_id' | 'path'>>): Promise<void> {
  await db.updateTable('mail_folders').set(values).where('workspace_id', '=', workspaceId).where('account_id', '=', accountId).where('path', '=', path).execute();
}

/** Which of these identities (Message-IDs in angle brackets) are stored in the workspace. */
export async function findStoredIdentities(db: Db, workspaceId: string, identities: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < identities.length; i += 500) {
    const rows = await db
      .selectFrom('interactions')
      .select('identity')
      .where('workspace_id', '=', workspaceId)
      .where('identity', 'in', identities.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.identity);
  }
  return found;
}
