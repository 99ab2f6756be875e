/**
 * Events derived from stored state rather than from one write: contact.status_changed (a
 * contact's stored health status moved when its scores were recomputed) and wait.opened (an
 * open wait of SPEC §4.1 appeared). A writer starts a watch before its change and finishes
 * it after, so the CLI, the API and import jobs announce the same changes the same way.
 * When no active webhook subscribes to these events, a watch reads nothing.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { listOpenWaits } from '../health/health.service.js';
import type { ContactMetrics, OpenWait } from '../metrics/metrics.types.js';
import { readJson } from '../shared/json.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { listContactRefs, listStoredHealth } from './webhooks.repo.js';
import type { EventType } from './webhooks.schema.js';
import { emitEvents, subscribedEvents } from './webhooks.service.js';

type ContactRef = OpenWait['contact'];

interface Stored {
  status: string | null;
  score: number | null;
  slipping: boolean;
  openWaits: number;
}

export interface ChangeWatch {
  /** Reads the state again and emits the differences; returns the number of deliveries recorded. */
  finish(): Promise<number>;
}

const IDLE: ChangeWatch = { finish: async () => 0 };

async function readStored(db: Kysely<Database>, ws: Workspace, contactIds: string[] | null): Promise<Map<string, Stored>> {
  const rows = await listStoredHealth(db, ws.id, contactIds);
  return new Map(
    rows.map((r) => [
      r.contact_id,
      { status: r.status, score: r.score, slipping: r.slipping === 1, openWaits: readJson<Partial<ContactMetrics>>(r.metrics, {}).open_waits ?? 0 },
    ]),
  );
}

async function refsOf(db: Kysely<Database>, ws: Workspace, ids: string[]): Promise<Map<string, ContactRef>> {
  const refs = new Map<string, ContactRef>();
  for (let i = 0; i < ids.length; i += 500) for (const r of await listContactRefs(db, ws.id, ids.slice(i, i + 500))) refs.set(r.id, r);
  return refs;
}

/**
 * Status changes between two readings. A contact without a stored score before is new to
 * health (just created or imported): its first status is not a change.
 */
function statusEvents(before: Map<string, Stored>, after: Map<string, Stored>, refs: Map<string, ContactRef>) {
  const events: { type: EventType; data: unknown }[] = [];
  for (const [id, now] of after) {
    const was = before.get(id);
    const contact = refs.get(id);
    if (!was || !contact || was.status === now.status) continue;
    events.push({ type: 'contact.status_changed', data: { contact, from: was.status, to: now.status, score: now.score, slipping: now.slipping } });
  }
  return events;
}

function changedStatusIds(before: Map<string, Stored>, after: Map<string, Stored>): string[] {
  return [...after].filter(([id, s]) => before.has(id) && before.get(id)!.status !== s.status).map(([id]) => id);
}

const waitKey = (w: OpenWait) => `${w.thread_id}\u0000${w.contact.id}`;

/**
 * Watches a whole workspace: statuses (a rescore, an import) and, with `waits`, the open
 * waits at `now` (an import). Listing open waits reads every recent thread, so only imports
 * ask for it.
 */
export async function watchWorkspace(db: Kysely<Database>, ws: Workspace, now: number, options: { waits: boolean }): Promise<ChangeWatch> {
  const wanted = await subscribedEvents(db, ws.id);
  const statuses = wanted.has('contact.status_changed');
  const waits = options.waits && wanted.has('wait.opened');
  if (!statuses && !waits) return IDLE;
  const before = statuses ? await readStored(db, ws, null) : new Map<string, Stored>();
  const openBefore = waits ? new Set((await listOpenWaits(db, ws, now)).map(waitKey)) : new Set<string>();
  return {
    async finish() {
      const events: { type: EventType; data: unknown }[] = [];
      if (statuses) {
        const after = await readStored(db, ws, null);
        events.push(...statusEvents(before, after, await refsOf(db, ws, changedStatusIds(before, after))));
      }
      if (waits) {
        for (const w of await listOpenWaits(db, ws, now)) if (!openBefore.has(waitKey(w))) events.push({ type: 'wait.opened', data: w });
      }
      return emitEvents(db, ws.id, events, now);
    },
  };
}

/**
 * Watches a few contacts through their stored health (a logged interaction). A wait opened
 * shows as a higher stored count of open waits; `openedWait` describes it, since the change
 * that opened it is the caller's own.
 */
export async function watchContacts(
  db: Kysely<Database>,
  ws: Workspace,
  contactIds: string[],
  now: number,
  openedWait: (contact: ContactRef) => OpenWait | null,
): Promise<ChangeWatch> {
  const wanted = await subscribedEvents(db, ws.id);
  if (!wanted.has('contact.status_changed') && !wanted.has('wait.opened')) return IDLE;
  const before = await readStored(db, ws, contactIds);
  return {
    async finish() {
      const after = await readStored(db, ws, contactIds);
      const refs = await refsOf(db, ws, contactIds);
      const events = wanted.has('contact.status_changed') ? statusEvents(before, after, refs) : [];
      if (wanted.has('wait.opened')) {
        for (const [id, s] of after) {
          const contact = refs.get(id);
          const wait = contact && s.openWaits > (before.get(id)?.openWaits ?? 0) ? openedWait(contact) : null;
          if (wait) events.push({ type: 'wait.opened', data: wait });
        }
      }
      return emitEvents(db, ws.id, events, now);
    },
  };
}
