/** `fact`, `commitment` and `knowledge`: what is known, what was promised, what is worth sharing. */
import { type Command, Option } from 'commander';
import { FACT_KINDS } from '../../facts/facts.schema.js';
import { emit, list, parseDayFlag, parseInstantFlag, withWorkspace } from '../context.js';
import { duration, table } from '../format.js';

async function dayFlag(text: string | undefined, flag: string): Promise<string | undefined> {
  if (text === undefined) return undefined;
  return parseDayFlag(text, flag);
}

export function registerFactCommands(program: Command): void {
  const fact = program.command('fact').description(`facts about a contact: ${FACT_KINDS.join(', ')}`);
  fact
    .command('add')
    .description('record a fact: rapport fact add ada@x.com important_date birthday --date 1985-03-14 --yearly')
    .argument('<contact>', 'email address or id')
    .argument('<kind>', FACT_KINDS.join(', '))
    .argument('<text...>', 'what is known')
    .option('--date <iso>', 'the date it is about (YYYY-MM-DD)')
    .option('--yearly', 'comes back every year (birthdays, anniversaries)')
    .action(async (contact: string, kind: string, words: string[], opts: { date?: string; yearly?: boolean }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { addFact } = await import('../../facts/facts.service.js');
        const created = await addFact(ctx.db.kysely, ctx.ws, contact, { kind, text: words.join(' '), date: await dayFlag(opts.date, '--date'), yearly: !!opts.yearly }, ctx.now);
        emit(ctx, created, () => `Added ${created.kind} fact ${created.id}: ${created.text}${created.date ? ` (${created.date}${created.yearly ? ', yearly' : ''})` : ''}`);
      });
    });
  fact
    .command('list')
    .description('facts of one contact, or of everyone')
    .argument('[contact]', 'email address or id')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(FACT_KINDS))
    .action(async (contact: string | undefined, opts: { kind?: never }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listFacts }, { contactNames }] = await Promise.all([import('../../facts/facts.service.js'), import('../../contacts/contact-names.js')]);
        const rows = await listFacts(ctx.db.kysely, ctx.ws, { contact, kind: opts.kind });
        const names = ctx.json ? new Map<string, string>() : await contactNames(ctx.db.kysely, ctx.ws.id, rows.map((f) => f.contact_id));
        emit(ctx, rows, () =>
          rows.length === 0
            ? 'No facts.'
            : table(['ID', 'CONTACT', 'KIND', 'TEXT', 'DATE'], rows.map((f) => [f.id, names.get(f.contact_id) ?? f.contact_id, f.kind, f.text, f.date ? `${f.date}${f.yearly ? ' ↻' : ''}` : null])),
        );
      });
    });
  fact
    .command('edit')
    .description("change a fact's kind, text or date")
    .argument('<id>', 'fact id')
    .option('--kind <kind>', FACT_KINDS.join(', '))
    .option('--text <text>', 'new text')
    .option('--date <iso>', 'new date (YYYY-MM-DD)')
    .option('--no-date', 'remove the date')
    .option('--yearly', 'comes back every year')
    .option('--no-yearly', 'happens once')
    .action(async (id: string, opts: { kind?: string; text?: string; date?: string | false; yearly?: boolean }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { editFact } = await import('../../facts/facts.service.js');
        const date = opts.date === false ? null : await dayFlag(opts.date, '--date');
        const edited = await editFact(ctx.db.kysely, ctx.ws, id, { kind: opts.kind as never, text: opts.text, date, yearly: opts.yearly });
        emit(ctx, edited, () => `Updated fact ${edited.id}: ${edited.kind} ${edited.text}${edited.date ? ` (${edited.date})` : ''}`);
      });
    });
  fact
    .command('delete')
    .description('delete a fact')
    .argument('<id>', 'fact id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { deleteFact } = await import('../../facts/facts.service.js');
        const deleted = await deleteFact(ctx.db.kysely, ctx.ws, id);
        emit(ctx, deleted, () => `Deleted fact ${deleted.id}.`);
      });
    });

  registerCommitmentCommands(program);
  registerKnowledgeCommands(program);
}

function registerCommitmentCommands(program: Command): void {
  const commitment = program.command('commitment').description('promises to a contact with a due time');
  commitment
    .command('add')
    .description('record a promise to a contact: rapport commitment add ada@x.com send the proposal --due 2025-03-14T09:00')
    .argument('<contact>', 'email address or id')
    .argument('<text...>', 'what you promised')
    .requiredOption('--due <iso>', 'when it is due (workspace time zone unless an offset is given); required')
    .action(async (contact: string, words: string[], opts: { due: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { addCommitment } = await import('../../commitments/commitments.service.js');
        const created = await addCommitment(ctx.db.kysely, ctx.ws, contact, { text: words.join(' '), due_at: await parseInstantFlag(opts.due, '--due', ctx.ws.settings.time_zone) }, ctx.now);
        emit(ctx, created, () => `Added commitment ${created.id}: ${created.text}, due ${created.due}`);
      });
    });
  commitment
    .command('list')
    .description('commitments of one contact, or of everyone, soonest due first')
    .argument('[contact]', 'email address or id')
    .addOption(new Option('--status <status>', 'open or done').choices(['open', 'done']))
    .action(async (contact: string | undefined, opts: { status?: 'open' | 'done' }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listCommitments }, { contactNames }, { formatLocalTime }] = await Promise.all([
          import('../../commitments/commitments.service.js'),
          import('../../contacts/contact-names.js'),
          import('../../shared/time.js'),
        ]);
        const rows = await listCommitments(ctx.db.kysely, ctx.ws, { contact, status: opts.status });
        const names = ctx.json ? new Map<string, string>() : await contactNames(ctx.db.kysely, ctx.ws.id, rows.map((c) => c.contact_id));
        // An open promise past its due time, as of --now (or the clock), says by how much.
        const state = (c: (typeof rows)[number]) => {
          if (c.status === 'done') return `done${c.on_time ? ' ★ on time' : ''}`;
          const late = (ctx.now - Date.parse(c.due)) / 1000;
          return late > 0 ? `overdue ${duration(late)}` : 'open';
        };
        emit(ctx, rows, () =>
          rows.length === 0
            ? 'No commitments.'
            : table(['ID', 'CONTACT', 'DUE', 'STATUS', 'TEXT'], rows.map((c) => [c.id, names.get(c.contact_id) ?? c.contact_id, formatLocalTime(c.due, ctx.ws.settings.time_zone), state(c), c.text])),
        );
      });
    });
  commitment
    .command('edit')
    .description("change a commitment's text or due time")
    .argument('<id>', 'commitment id')
    .option('--text <text>', 'new text')
    .option('--due <iso>', 'new due time')
    .action(async (id: string, opts: { text?: string; due?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { editCommitment } = await import('../../commitments/commitments.service.js');
        const due_at = opts.due ? await parseInstantFlag(opts.due, '--due', ctx.ws.settings.time_zone) : undefined;
        const edited = await editCommitment(ctx.db.kysely, ctx.ws, id, { text: opts.text, due_at });
        emit(ctx, edited, () => `Updated commitment ${edited.id}: ${edited.text}, due ${edited.due}`);
      });
    });
  commitment
    .command('done')
    .description('mark it met; met before it was due, the interaction that met it is tagged heroics')
    .argument('<id>', 'commitment id')
    .option('--interaction <id>', 'the interaction that met it')
    .action(async (id: string, opts: { interaction?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { completeCommitment } = await import('../../commitments/commitments.service.js');
        const done = await completeCommitment(ctx.db.kysely, ctx.ws, id, ctx.now, { interactionId: opts.interaction });
        emit(ctx, done, () => `Commitment ${done.id} done${done.on_time ? ' before it was due' : ' late'}${done.on_time && done.interaction_id ? ` — ${done.interaction_id} tagged heroics` : ''}.`);
      });
    });
  commitment
    .command('delete')
    .description('delete a commitment')
    .argument('<id>', 'commitment id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { deleteCommitment } = await import('../../commitments/commitments.service.js');
        const deleted = await deleteCommitment(ctx.db.kysely, ctx.ws, id);
        emit(ctx, deleted, () => `Deleted commitment ${deleted.id}.`);
      });
    });
}

function registerKnowledgeCommands(program: Command): void {
  const knowledge = program.command('knowledge').description('notes, articles and links worth sharing with contacts whose interests match');
  knowledge
    .command('add')
    .description('add a note, article or link worth sharing: rapport knowledge add Sailing knots --url https://… --topics sailing')
    .argument('<title...>', 'title')
    .option('--url <url>', 'link')
    .requiredOption('--topics <list>', 'topics, comma-separated; required')
    .option('--body <text>', 'a note')
    .action(async (words: string[], opts: { url?: string; topics: string; body?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { addKnowledge } = await import('../../knowledge/knowledge.service.js');
        const created = await addKnowledge(ctx.db.kysely, ctx.ws, { title: words.join(' '), url: opts.url, topics: list(opts.topics) ?? [], body: opts.body }, ctx.now);
        emit(ctx, created, () => `Added knowledge ${created.id}: ${created.title} [${created.topics.join(', ')}]`);
      });
    });
  knowledge
    .command('list')
    .description('knowledge items worth sharing, all or of one topic')
    .option('--topic <topic>', 'only items with this topic')
    .action(async (opts: { topic?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listKnowledge }, { formatLocalDay }] = await Promise.all([import('../../knowledge/knowledge.service.js'), import('../../shared/time.js')]);
        const rows = await listKnowledge(ctx.db.kysely, ctx.ws, opts);
        emit(ctx, rows, () =>
          rows.length === 0 ? 'No knowledge items.' : table(['ID', 'TITLE', 'TOPICS', 'SHARED', 'ADDED'], rows.map((k) => [k.id, k.title, k.topics.join(', '), k.shared_with.length, formatLocalDay(k.created_at, ctx.ws.settings.time_zone)])),
        );
      });
    });
  knowledge
    .command('edit')
    .description("change a knowledge item's title, link or topics")
    .argument('<id>', 'knowledge item id')
    .option('--title <title>', 'new title')
    .option('--url <url>', 'new link')
    .option('--topics <list>', 'new topics, comma-separated')
    .option('--body <text>', 'new note')
    .action(async (id: string, opts: { title?: string; url?: string; topics?: string; body?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { editKnowledge } = await import('../../knowledge/knowledge.service.js');
        const edited = await editKnowledge(ctx.db.kysely, ctx.ws, id, { title: opts.title, url: opts.url, topics: list(opts.topics), body: opts.body });
        emit(ctx, edited, () => `Updated knowledge ${edited.id}: ${edited.title} [${edited.topics.join(', ')}]`);
      });
    });
  knowledge
    .command('share')
    .description('record that you shared it with a contact (it is not proposed to them again)')
    .argument('<id>', 'knowledge item id')
    .argument('<contact>', 'email address or id')
    .option('--interaction <id>', 'the interaction that shared it')
    .action(async (id: string, contact: string, opts: { interaction?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { shareKnowledge } = await import('../../knowledge/knowledge.service.js');
        const item = await shareKnowledge(ctx.db.kysely, ctx.ws, id, contact, ctx.now, opts.interaction ?? null);
        emit(ctx, item, () => `Recorded: ${item.title} shared (${item.shared_with.length} contact${item.shared_with.length === 1 ? '' : 's'} so far).`);
      });
    });
  knowledge
    .command('delete')
    .description('delete a knowledge item')
    .argument('<id>', 'knowledge item id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { deleteKnowledge } = await import('../../knowledge/knowledge.service.js');
        const deleted = await deleteKnowledge(ctx.db.kysely, ctx.ws, id);
        emit(ctx, deleted, () => `Deleted knowledge ${deleted.id}.`);
      });
    });
}
