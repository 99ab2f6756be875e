/**
 * Child process of the shared-file test: opens a SQLite file as "rapport import", takes the
 * write lock, says "locked" and holds it until its stdin closes.
 */
import { openDatabase } from './database.js';

const db = await openDatabase({ url: process.argv[2], processName: 'rapport import' });
await db.kysely.transaction().execute(async (trx) => {
  await trx.updateTable('workspaces').set({ updated_at: 1 }).execute();
  process.stdout.write('locked\n');
  await new Promise((resolve) => process.stdin.on('end', resolve).resume());
});
await db.close();
