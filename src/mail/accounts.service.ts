/**
 * Mail accounts of a workspace: add (password sealed with the mail key), list with their sync
 * status, remove, test. The password never leaves this module except to a mail server.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { makeIsOwn } from '../workspaces/own-addresses.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { ValidationError } from '../errors.js';
import { testConnection, type AccountSecrets } from './connect.js';
import { type ConnectionTest, type MailAccount, MailAccountInputSchema, type MailAccountInput } from './mail.schema.js';
import { formatMailUrl, parseMailUrl } from './mail-url.js';
import {
  deleteAccountRow,
  findAccountRowOrThrow,
  insertAccount,
  listAccountRows,
  listFolderRows,
  type MailAccountRow,
  type MailFolderRow,
} from './mail.repo.js';
import { openPassword, sealPassword, type MailKey } from './secret-box.js';

type K = Kysely<Database>;

/** `ma_` + the time-ordered body of newId (shared/ids.ts lists the core prefixes only). */
function newAccountId(): string {
  return `ma_${newId('wh').slice(3)}`;
}

/** Pure: the account as the API and CLI show it, with a status that never claims more than the folders say. */
export function accountRowToAccount(row: MailAccountRow, folders: MailFolderRow[], now: number): MailAccount {
  const failed = folders.filter((f) => f.last_error_at !== null && (f.last_success_at === null || f.last_error_at > f.last_success_at));
  const neverSynced = folders.length === 0 || folders.some((f) => f.last_success_at === null);
  const latestError = failed.reduce<MailFolderRow | null>((a, f) => (!a || f.last_error_at! > a.last_error_at! ? f : a), null);
  const syncing = row.lease_until !== null && row.lease_until > now;
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    imap: row.imap_url,
    smtp: row.smtp_url,
    folders: row.folders === null ? null : readJson<string[]>(row.folders, []),
    history_days: row.history_days,
    created_at: toIso(row.created_at),
    status: {
      state: syncing ? 'syncing' : failed.length > 0 ? 'error' : neverSynced ? 'never' : 'ok',
      last_success_at: neverSynced ? null : toIso(Math.min(...folders.map((f) => f.last_success_at!))),
      last_error: latestError ? `${latestError.path}: ${latestError.last_error}` : null,
      last_error_at: toIsoOrNull(latestError?.last_error_at),
      folders: folders.map((f) => ({
        path: f.path,
        role: f.role as 'inbox' | 'sent' | 'other',
        last_success_at: toIsoOrNull(f.last_success_at),
        last_run_messages: f.last_run_messages,
        last_error: f.last_error,
        last_error_at: toIsoOrNull(f.last_error_at),
        progress: { done: f.progress_done, total: f.progress_total },
      })),
    },
  };
}

/**
 * Adds a mail account; its address becomes one of the workspace's own addresses, so that mail
 * sent from it counts as outbound.
 * @throws validation (bad URL, no address).
 */
export async function addAccount(db: K, ws: Workspace, input: MailAccountInput, key: MailKey, now: number): Promise<MailAccount> {
  const parsed = parseOrThrow(MailAccountInputSchema, input);
  const imap = parseMailUrl('imap', parsed.imap);
  const smtp = parseMailUrl('smtp', parsed.smtp);
  const address = (parsed.address ?? (imap.user.includes('@') ? imap.user : '')).toLowerCase();
  if (!address) throw new ValidationError(`address: the IMAP user "${imap.user}" is not an address; give the address mail is sent from`, [{ where: 'address', reason: 'required' }]);
  const id = newAccountId();
  const row: MailAccountRow = {
    workspace_id: ws.id,
    id,
    name: parsed.name ?? address,
    address,
    imap_url: formatMailUrl(imap),
    smtp_url: formatMailUrl(smtp),
    password_enc: sealPassword(key, ws.id, id, parsed.password),
    folders: parsed.folders ? JSON.stringify(parsed.folders) : null,
    history_days: parsed.history_days,
    lease_owner: null,
    lease_until: null,
    created_at: now,
    updated_at: now,
  };
  await insertAccount(db, row);
  if (!makeIsOwn(ws.settings)(address)) await updateWorkspaceSettings(db, ws, { own_addresses: [...ws.settings.own_addresses, address] }, now);
  return accountRowToAccount(row, [], now);
}

export async function listAccounts(db: K, ws: Workspace, now: number): Promise<MailAccount[]> {
  const rows = await listAccountRows(db, ws.id);
  const folders = await listFolderRows(db, ws.id, rows.map((r) => r.id));
  return rows.map((r) => accountRowToAccount(r, folders.filter((f) => f.account_id === r.id), now));
}

/** @throws not_found. */
export async function findAccountOrThrow(db: K, ws: Workspace, ref: string, now: number): Promise<MailAccount> {
  const row = await findAccountRowOrThrow(db, ws.id, ref);
  return accountRowToAccount(row, await listFolderRows(db, ws.id, [row.id]), now);
}

/** Removes the account and its sync state; the mail it imported stays. @throws not_found. */
export async function removeAccount(db: K, ws: Workspace, ref: string, now: number): Promise<MailAccount> {
  const account = await findAccountOrThrow(db, ws, ref, now);
  await deleteAccountRow(db, ws.id, account.id);
  return account;
}

/** The servers and password of an account. @throws unavailable when the key changed. */
export function secretsOf(row: MailAccountRow, key: MailKey): AccountSecrets {
  return {
    imap: parseMailUrl('imap', row.imap_url),
    smtp: parseMailUrl('smtp', row.smtp_url),
    password: openPassword(key, row.workspace_id, row.id, row.password_enc),
  };
}

/** @throws not_found, unavailable (key changed). */
export async function testAccount(db: K, ws: Workspace, ref: string, key: MailKey): Promise<ConnectionTest> {
  const row = await findAccountRowOrThrow(db, ws.id, ref);
  return testConnection(secretsOf(row, key), row.folders === null ? null : readJson<string[]>(row.folders, []));
}
