/** Names of contacts by id, for lists that store only the id (facts, commitments) and are read by people. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export async function contactNames(db: Kysely<Database>, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const names = new Map<string, string>();
  // Chunks keep the IN list under SQLite's bound-parameter limit.
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('contacts').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('id', 'in', unique.slice(i, i + 500)).execute();
    for (const r of rows) names.set(r.id, r.name);
  }
  return names;
}
