/**
 * Mail accounts (admins manage them; members sync and send) and outgoing messages. No answer
 * ever carries a password: the presenters have no field for it.
 */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { addAccount, findAccountOrThrow, listAccounts, removeAccount, testAccount } from './accounts.service.js';
import { ConnectionTestSchema, MailAccountInputSchema, MailAccountSchema, SendInputSchema, SentMessageSchema, SyncSummarySchema } from './mail.schema.js';
import { findSuggestionOrThrow } from '../suggestions/suggestions.service.js';
import { emitEvent } from '../webhooks/webhooks.service.js';
import { sendMessage } from './send.service.js';
import { syncAccounts } from './sync.service.js';

const AccountParam = IdParam('accountId');

export function mailRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['mail'];
  const db = deps.db.kysely;

  app.get('/accounts', {
    config: { access: 'member' },
    schema: { tags, summary: 'Mail accounts with the state of their sync, per folder', response: { 200: z.array(MailAccountSchema), ...problems } },
  }, async (request) => listAccounts(db, callerOf(request).workspace, Date.now()));

  app.post('/accounts', {
    config: { access: 'admin', audit: { action: 'mail_account.create', target: 'mail_account' } },
    schema: { tags, summary: 'Add a mail account; the password is stored encrypted and never returned', body: MailAccountInputSchema, response: { 201: MailAccountSchema, ...problems } },
  }, async (request, reply) => reply.code(201).send(await addAccount(db, callerOf(request).workspace, request.body, deps.mailKey(), deps.now())));

  app.get('/accounts/:accountId', {
    config: { access: 'member' },
    schema: { tags, summary: 'A mail account and its sync status', params: AccountParam, response: { 200: MailAccountSchema, ...problems } },
  }, async (request) => findAccountOrThrow(db, callerOf(request).workspace, request.params.accountId as string, Date.now()));

  app.delete('/accounts/:accountId', {
    config: { access: 'admin', audit: { action: 'mail_account.delete', target: 'mail_account', param: 'accountId' } },
    schema: { tags, summary: 'Remove a mail account; the mail it brought in stays', params: AccountParam, response: { 200: MailAccountSchema, ...problems } },
  }, async (request) => removeAccount(db, callerOf(request).workspace, request.params.accountId as string, deps.now()));

  app.post('/accounts/:accountId/test', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Connect and log in to both servers; says which step failed (dns, connect, tls, login, folder)', params: AccountParam, response: { 200: ConnectionTestSchema, ...problems } },
  }, async (request) => testAccount(db, callerOf(request).workspace, request.params.accountId as string, deps.mailKey()));

  app.post('/accounts/:accountId/sync', {
    config: { access: 'member', audit: { action: 'mail_account.sync', target: 'mail_account', param: 'accountId' } },
    schema: { tags, summary: 'Sync the account now; answers with the import summary (409 while another sync runs)', params: AccountParam, response: { 200: SyncSummarySchema, ...problems } },
  }, async (request) => syncAccounts(deps.db, callerOf(request).workspace, deps.mailKey(), deps.now(), request.params.accountId as string));

  app.post('/messages', {
    config: { access: 'member', audit: { action: 'message.send', target: 'interaction' } },
    schema: { tags, summary: 'Send a message (Markdown) to a contact from a mail account; it is logged at once', body: SendInputSchema, response: { 201: SentMessageSchema, ...problems, 503: problems[400] } },
  }, async (request, reply) => {
    const { workspace } = callerOf(request);
    const sent = await sendMessage(deps.db, workspace, deps.mailKey(), request.body, deps.now());
    if (sent.suggestion) await emitEvent(db, workspace.id, 'suggestion.updated', await findSuggestionOrThrow(db, workspace, sent.suggestion.id, deps.now()), deps.now());
    return reply.code(201).send(sent);
  });
}
