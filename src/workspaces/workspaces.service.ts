import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { isValidZone, toIso } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { splitOwnList } from './own-addresses.js';
import {
  findWorkspaceRowById,
  findWorkspaceRowBySlug,
  insertWorkspace,
  listWorkspaceRows,
  updateWorkspaceSettingsRow,
  type WorkspaceRow,
} from './workspaces.repo.js';
import { readSettings, Slug, WorkspaceSettingsSchema, type BusinessHours, type Workspace, type WorkspaceSettings } from './workspaces.schema.js';

export function workspaceRowToWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    settings: readSettings(readJson(row.settings, {})),
    created_at: toIso(row.created_at),
  };
}

/** A slug from a name: "Acme & Co." → "acme-co". */
export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48)
      .replace(/-+$/, '') || 'workspace'
  );
}

export interface CreateWorkspaceInput {
  name: string;
  slug?: string;
  /** Own addresses and `@domain`s. */
  me: string[];
  time_zone?: string;
  business_hours?: BusinessHours;
  include_lists?: boolean;
}

const CreateInput = z.object({
  name: z.string().trim().min(1, 'a workspace needs a name').max(200),
  slug: Slug.optional(),
  me: z.array(z.string()).min(1, 'give at least one own address or @domain'),
  time_zone: z.string().optional(),
  business_hours: z.any().optional(),
  include_lists: z.boolean().optional(),
});

/**
 * Creates a workspace with its settings.
 * @throws validation (bad address, zone, hours), conflict (slug taken).
 */
export async function createWorkspace(
  db: Kysely<Database>,
  input: CreateWorkspaceInput,
  now: number,
  ids: IdGenerator = newId,
): Promise<Workspace> {
  const parsed = parseOrThrow(CreateInput, input, 'workspace');
  const slug = parsed.slug ?? slugify(parsed.name);
  if (parsed.time_zone && !isValidZone(parsed.time_zone)) {
    throw new ValidationError(`--tz: unknown time zone "${parsed.time_zone}" (use an IANA name such as Europe/Berlin)`);
  }
  const own = splitOwnList(parsed.me);
  const settings = parseOrThrow(
    WorkspaceSettingsSchema,
    {
      ...own,
      time_zone: parsed.time_zone ?? 'UTC',
      business_hours: parsed.business_hours,
      include_lists: parsed.include_lists ?? false,
    },
    'settings',
  );
  if (await findWorkspaceRowBySlug(db, slug)) throw new ConflictError(`a workspace with the slug "${slug}" already exists`);
  const row: WorkspaceRow = {
    id: ids('ws'),
    slug,
    name: parsed.name,
    settings: JSON.stringify(settings),
    created_at: now,
    updated_at: now,
  };
  await insertWorkspace(db, row);
  return workspaceRowToWorkspace(row);
}

export async function listWorkspaces(db: Kysely<Database>): Promise<Workspace[]> {
  return (await listWorkspaceRows(db)).map(workspaceRowToWorkspace);
}

/**
 * The workspace a command works on: the one named by slug, else the only one.
 * @throws not_found (no such slug / no workspace yet), validation (several and none chosen).
 */
export async function resolveWorkspace(db: Kysely<Database>, slug?: string): Promise<Workspace> {
  if (slug) {
    const row = await findWorkspaceRowBySlug(db, slug);
    if (!row) throw new NotFoundError('workspace', slug);
    return workspaceRowToWorkspace(row);
  }
  const rows = await listWorkspaceRows(db);
  if (rows.length === 0) {
    throw new NotFoundError('workspace', '(none yet: run `rapport init --name NAME --me you@example.com` or `rapport demo`)');
  }
  if (rows.length > 1) {
    throw new ValidationError(`several workspaces here (${rows.map((r) => r.slug).join(', ')}): choose one with --workspace SLUG`);
  }
  return workspaceRowToWorkspace(rows[0]!);
}

export async function findWorkspaceByIdOrThrow(db: Kysely<Database>, id: string): Promise<Workspace> {
  const row = await findWorkspaceRowById(db, id);
  if (!row) throw new NotFoundError('workspace', id);
  return workspaceRowToWorkspace(row);
}

/**
 * Replaces settings with a validated merge of the current ones and `patch`.
 * @throws validation naming the bad key.
 */
export async function updateWorkspaceSettings(
  db: Kysely<Database>,
  workspace: Workspace,
  patch: Partial<WorkspaceSettings>,
  now: number,
): Promise<Workspace> {
  const merged = parseOrThrow(WorkspaceSettingsSchema, { ...workspace.settings, ...patch }, 'settings');
  if (!isValidZone(merged.time_zone)) throw new ValidationError(`time_zone: unknown time zone "${merged.time_zone}"`);
  await updateWorkspaceSettingsRow(db, workspace.id, JSON.stringify(merged), now);
  return { ...workspace, settings: merged };
}
