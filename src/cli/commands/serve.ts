/** `rapport serve`: the HTTP API, its reference page and the web app on one port. */
import { type Command, Option } from 'commander';
import { emit, intOption, withDb } from '../context.js';

interface ServeOptions {
  port?: number;
  host: string;
  allowPrivateWebhooks?: boolean;
  secureCookies?: boolean;
  trustProxy?: string;
  worker: boolean;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the API (/api/v1, reference at /api/docs) and the web app')
    .option('--port <port>', 'port to listen on (env PORT, default 4321)', intOption('--port'))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--allow-private-webhooks', 'let webhooks call private, loopback and link-local addresses')
    .addOption(new Option('--secure-cookies', 'mark session cookies Secure (when served over HTTPS)'))
    .option('--trust-proxy <proxies>', 'behind a reverse proxy: believe X-Forwarded-For from these addresses (loopback, 10.0.0.0/8, …)')
    .option('--no-worker', 'serve only: leave background jobs (mail sync, webhooks, the daily rescore, digests, imports) to `rapport worker` processes')
    .action(async (opts: ServeOptions, command: Command) => {
      await withDb(command, async (ctx) => {
        const [{ buildServer }, { readEnv }, { listWorkspaces }, { countUsers }, { openAppQueue, startWorkerRole }, { loadMailKey }] = await Promise.all([
          import('../../app/server.js'),
          import('../../config.js'),
          import('../../workspaces/workspaces.service.js'),
          import('../../auth/auth.repo.js'),
          import('../../app/worker.js'),
          import('../../mail/secret-box.js'),
        ]);
        const mailKeySource = { secret: readEnv().RAPPORT_SECRET, dataDir: ctx.globals.data ?? readEnv().RAPPORT_DATA };
        // With --now the clock starts at that instant and runs on (demos, reproducible runs).
        const offset = ctx.now - Date.now();
        const now = Math.abs(offset) < 1000 ? Date.now : () => Date.now() + offset;
        const queue = await openAppQueue(ctx.db);
        const app = await buildServer(ctx.db, {
          now,
          logger: { level: 'warn' },
          allowPrivateWebhooks: !!opts.allowPrivateWebhooks,
          secureCookies: !!opts.secureCookies,
          trustProxy: opts.trustProxy,
          mailKeySource,
          queue,
          enqueueBackgroundWork: true,
        });
        app.addHook('onClose', () => queue.close());
        const port = opts.port ?? readEnv().PORT ?? 4321;
        try {
          await app.listen({ port, host: opts.host });
        } catch (error) {
          await app.close();
          const { ValidationError } = await import('../../errors.js');
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EADDRINUSE') throw new ValidationError(`port ${port} on ${opts.host} is taken by another program: choose another with --port N`);
          if (code === 'EACCES') throw new ValidationError(`port ${port} on ${opts.host} needs privileges: choose one above 1023 with --port N`);
          throw error;
        }
        const bound = (app.server.address() as { port: number } | null)?.port ?? port;
        const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${bound}`;
        const lines = [`Rapport is listening on ${url}  (API ${url}/api/v1, reference ${url}/api/docs)`];
        if ((await listWorkspaces(ctx.db.kysely)).length === 0) {
          lines.push(
            'No workspace yet. Create one with',
            '  rapport init --name "Acme" --me you@acme.com,@acme.com',
            `or try it with sample data: rapport demo, or sign up in the web app at ${url}/`,
          );
        } else if ((await countUsers(ctx.db.kysely)) === 0) {
          lines.push(`No account yet: sign up the first owner at ${url}/ or run rapport user create EMAIL --role owner --password-env VAR`);
        }
        // With --json, the addresses as one JSON document for programs that start the server.
        if (ctx.json) emit(ctx, { url, api: `${url}/api/v1`, docs: `${url}/api/docs` }, () => '');
        else process.stderr.write(`${lines.join('\n')}\n`);
        // The worker role: mail sync, webhook deliveries, the daily rescore, digests and imports.
        let mailKey: ReturnType<typeof loadMailKey> | undefined;
        const stopWorker = opts.worker
          ? await startWorkerRole(ctx.db, queue, {
              now,
              services: { mailKey: () => (mailKey ??= loadMailKey(mailKeySource)), allowPrivateWebhooks: !!opts.allowPrivateWebhooks },
              // Only the message is logged: errors of the mail libraries are not ours to vouch for.
              onError: (error) => app.log.error(`background job: ${(error as Error).message ?? String(error)}`),
            })
          : async () => undefined;
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            stopWorker()
              .then(() => app.close())
              .then(() => resolve(), () => resolve());
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      }, { create: true });
    });
}
