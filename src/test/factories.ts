/**
 * Test factories: each builds what it needs, missing parents included, so a test states only
 * what it cares about.
 */
import type { Db } from '../db/database.js';
import { createContact } from '../contacts/contacts.service.js';
import type { Contact, ContactInput } from '../contacts/contacts.schema.js';
import { createWorkspace, type CreateWorkspaceInput } from '../workspaces/workspaces.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';

let counter = 0;

export const T0 = Date.parse('2025-01-06T09:00:00Z');

export async function buildWorkspace(db: Db, input: Partial<CreateWorkspaceInput> = {}, now = T0): Promise<Workspace> {
  counter += 1;
  return createWorkspace(db.kysely, { name: `Acme ${counter}`, me: ['me@acme.example', '@acme.example'], ...input }, now);
}

export async function buildContact(db: Db, ws?: Workspace, input: Partial<ContactInput> = {}, now = T0): Promise<{ ws: Workspace; contact: Contact }> {
  const workspace = ws ?? (await buildWorkspace(db));
  counter += 1;
  const contact = await createContact(db.kysely, workspace, { email: `person${counter}@client.example`, ...input }, now);
  return { ws: workspace, contact };
}
