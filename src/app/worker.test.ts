/** The worker role starts on each engine with every domain's jobs, cron ones included (their names have dots). */
import { describe, expect, it } from 'vitest';
import { createTestDb, testDialects } from '../db/test-db.js';
import { openAppQueue, startWorkerRole } from './worker.js';

describe.each(testDialects())('the worker role on %s', (dialect) => {
  it('starts with every job and its schedules, and stops', async () => {
    const db = await createTestDb(dialect);
    const queue = await openAppQueue(db);
    const errors: unknown[] = [];
    try {
      const services = { mailKey: () => { throw new Error('no mail here'); }, allowPrivateWebhooks: false };
      const stop = await startWorkerRole(db, queue, { now: Date.now, services, watchMail: false, onError: (error) => errors.push(error) });
      await stop();
      expect(errors).toEqual([]);
    } finally {
      await queue.close();
      await db.close();
    }
  }, 60_000);
});
