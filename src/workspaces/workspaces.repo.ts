import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { WorkspacesTable } from './workspaces.table.js';

export type WorkspaceRow = WorkspacesTable;

export function insertWorkspace(db: Kysely<Database>, row: WorkspaceRow) {
  return db.insertInto('workspaces').values(row).execute();
}

export function findWorkspaceRowBySlug(db: Kysely<Database>, slug: string) {
  return db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findWorkspaceRowById(db: Kysely<Database>, id: string) {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listWorkspaceRows(db: Kysely<Database>) {
  return db.selectFrom('workspaces').selectAll().orderBy('created_at').orderBy('slug').execute();
}

export function updateWorkspaceSettingsRow(db: Kysely<Database>, id: string, settings: string, now: number) {
  return db.updateTable('workspaces').set({ settings, updated_at: now }).where('id', '=', id).execute();
}
