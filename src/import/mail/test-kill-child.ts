/**
 * Child process of the kill -9 test: imports one mbox into a SQLite file with small batches,
 * the way `rapport import` does, so that the parent can SIGKILL it between (or during) commits.
 */
import { openDatabase } from '../../db/database.js';
import { resolveWorkspace } from '../../workspaces/workspaces.service.js';
import { importPaths } from '../import.service.js';

const [dbFile, mbox, batchSize] = process.argv.slice(2);
const db = await openDatabase({ url: dbFile });
const ws = await resolveWorkspace(db.kysely);
const summary = await importPaths(db, ws, [mbox!], Date.parse('2025-03-06T12:00:00Z'), { workers: 1, batchSize: Number(batchSize) });
process.stdout.write(JSON.stringify(summary));
await db.close();
