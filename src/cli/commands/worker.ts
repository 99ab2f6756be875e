/** `rapport worker` (the background jobs role) and `rapport jobs` (what is queued, running and failed; retry). */
import type { Command } from 'commander';
import { emit, intOption, withDb } from '../context.js';

export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description('run background jobs only (mail sync, webhook deliveries, the daily rescore, digests, imports); any number may share one database')
    .option('--concurrency <n>', 'jobs run at once (default 4)', intOption('--concurrency'))
    .option('--allow-private-webhooks', 'let webhooks call private, loopback and link-local addresses')
    .action(async (opts: { concurrency?: number; allowPrivateWebhooks?: boolean }, command: Command) => {
      await withDb(command, async (ctx) => {
        const [{ openAppQueue, startWorkerRole }, { loadMailKey }, { readEnv }] = await Promise.all([
          import('../../app/worker.js'),
          import('../../mail/secret-box.js'),
          import('../../config.js'),
        ]);
        const mailKeySource = { secret: readEnv().RAPPORT_SECRET, dataDir: ctx.globals.data ?? readEnv().RAPPORT_DATA };
        const offset = ctx.now - Date.now();
        const now = Math.abs(offset) < 1000 ? Date.now : () => Date.now() + offset;
        const queue = await openAppQueue(ctx.db);
        let mailKey: ReturnType<typeof loadMailKey> | undefined;
        const stop = await startWorkerRole(ctx.db, queue, {
          now,
          concurrency: opts.concurrency,
          services: { mailKey: () => (mailKey ??= loadMailKey(mailKeySource)), allowPrivateWebhooks: !!opts.allowPrivateWebhooks },
          onError: (error) => process.stderr.write(`background job: ${(error as Error).message ?? String(error)}\n`),
        });
        if (ctx.json) emit(ctx, { worker: process.pid, concurrency: opts.concurrency ?? 4 }, () => '');
        else process.stderr.write(`Rapport worker ${process.pid} is running ${opts.concurrency ?? 4} jobs at a time; stop it with Ctrl-C (running jobs finish first).\n`);
        await new Promise<void>((resolve) => {
          const onSignal = () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            stop()
              .then(() => queue.close())
              .then(() => resolve(), () => resolve());
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        });
      });
    });

  const jobs = program
    .command('jobs')
    .description('background jobs: queued, running and failed ones with their last error')
    .option('--failed', 'failed jobs only (out of attempts; retry them with rapport jobs retry ID)')
    .option('--limit <n>', 'at most this many (default 100)', intOption('--limit'))
    .action(async (opts: { failed?: boolean; limit?: number }, command: Command) => {
      await withDb(command, async (ctx) => {
        const [{ openAppQueue }, { listJobs }, { table }] = await Promise.all([import('../../app/worker.js'), import('../../jobs/jobs.service.js'), import('../format.js')]);
        const queue = await openAppQueue(ctx.db);
        try {
          const rows = await listJobs(queue, { failed: !!opts.failed, limit: opts.limit });
          emit(ctx, rows, () => {
            if (rows.length === 0) return opts.failed ? 'No failed jobs.' : 'No jobs queued, running or failed.';
            return table(
              ['ID', 'JOB', 'STATE', 'TRIES', 'RUNS AT', 'LAST ERROR'],
              rows.map((j) => [j.id, j.name, j.state, `${j.attempts}/${j.max_attempts}`, j.run_at.slice(0, 19).replace('T', ' '), (j.last_error ?? '').replace(/\s+/g, ' ').slice(0, 80)]),
            );
          });
        } finally {
          await queue.close();
        }
      });
    });

  jobs
    .command('retry')
    .description('run a failed job again now, with fresh attempts')
    .argument('<id>', 'job id (from rapport jobs)')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withDb(command, async (ctx) => {
        const [{ openAppQueue }, { retryJobOrThrow }] = await Promise.all([import('../../app/worker.js'), import('../../jobs/jobs.service.js')]);
        const queue = await openAppQueue(ctx.db);
        try {
          const job = await retryJobOrThrow(queue, id);
          emit(ctx, job, () => `Job ${job.id} (${job.name}) will run again now.`);
        } finally {
          await queue.close();
        }
      });
    });
}
