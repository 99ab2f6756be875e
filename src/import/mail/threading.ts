/**
 * Threads (SPEC §3.4) as the connected components of two kinds of links:
 * - reference links: a message and every stored message whose Message-ID it names in
 *   In-Reply-To or References;
 * - subject links: a message none of whose references resolves to a stored message, and every
 *   stored message with the same normalized subject, a shared counterpart and a date within
 *   30 days (so a link holds when either end is such a message).
 * Computed over what is stored, the partition does not depend on arrival order. When a batch
 * arrives, links can appear (new messages) and disappear (a stored message whose parent just
 * arrived stops qualifying for subject links), so merging is not enough: the components that
 * the batch touches are gathered whole and recomputed. Components that do not touch the batch
 * cannot have changed: their links involve no new message and no message whose references
 * changed status.
 */
import { newId, type IdGenerator } from '../../shared/ids.js';
import { DAY_MS } from '../../shared/time.js';
import type { SubjectKeyRow, ThreadNode, ThreadStore } from './threading.repo.js';

export const SUBJECT_WINDOW_MS = 30 * DAY_MS;

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    let cur = x;
    while (cur !== root) {
      const next = this.parent.get(cur) ?? root;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller id becomes the root: deterministic, whatever the order of unions.
    if (ra < rb) this.parent.set(rb, ra);
    else if (rb < ra) this.parent.set(ra, rb);
  }
}

/** The messages of a batch, about to be inserted: their nodes, references and subject keys. */
export interface PendingMessages {
  nodes: ThreadNode[];
  refs: { interaction_id: string; ref_message_id: string }[];
  keys: SubjectKeyRow[];
}

function group<T>(rows: T[], key: (row: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Subject keys by (subject, counterpart), the pair of the subject rule. */
function byPair(keys: SubjectKeyRow[]): Map<string, Map<string, SubjectKeyRow[]>> {
  const out = new Map<string, Map<string, SubjectKeyRow[]>>();
  for (const k of keys) {
    let bySubject = out.get(k.subject_key);
    if (!bySubject) {
      bySubject = new Map();
      out.set(k.subject_key, bySubject);
    }
    const list = bySubject.get(k.counterpart);
    if (list) list.push(k);
    else bySubject.set(k.counterpart, [k]);
  }
  return out;
}

/**
 * The store as it will be once the pending messages are inserted: their rows come from memory,
 * and their thread ids are set on their nodes instead of written, so that the caller inserts
 * them with their thread (an update afterwards would rewrite every new row and two indexes).
 */
function withPending(store: ThreadStore, pending: PendingMessages): ThreadStore {
  const byId = new Map(pending.nodes.map((n) => [n.id, n]));
  const byMessageId = group(pending.nodes, (n) => n.message_id);
  const refsOf = group(pending.refs, (r) => r.interaction_id);
  const referencers = group(pending.refs, (r) => r.ref_message_id);
  const keysOf = group(pending.keys, (k) => k.interaction_id);
  const keysByPair = byPair(pending.keys);
  // Rows of the pending messages from memory, the store's for the other ids.
  const split = async <R>(ids: string[], rowsOf: (id: string) => R[] | undefined, load: (stored: string[]) => Promise<R[]>): Promise<R[]> => {
    const stored = ids.filter((id) => !byId.has(id));
    const out = stored.length > 0 ? await load(stored) : [];
    if (stored.length < ids.length) for (const id of ids) for (const r of rowsOf(id) ?? []) out.push(r);
    return out;
  };
  // The store's rows plus the pending rows under the given keys.
  const both = async <R>(keys: string[], rows: Map<string, R[]>, load: (keys: string[]) => Promise<R[]>): Promise<R[]> => {
    const out = keys.length > 0 ? await load(keys) : [];
    for (const k of keys) for (const r of rows.get(k) ?? []) out.push(r);
    return out;
  };
  return {
    loadNodes: (ids) => split(ids, (id) => (byId.has(id) ? [byId.get(id)!] : undefined), (stored) => store.loadNodes(stored)),
    // Pending messages have no thread yet.
    listThreadMembers: (threadIds) => store.listThreadMembers(threadIds),
    listRefsOf: (ids) => split(ids, (id) => refsOf.get(id), (stored) => store.listRefsOf(stored)),
    findByMessageIds: (messageIds) => both(messageIds, byMessageId, (m) => store.findByMessageIds(m)),
    findReferencers: (messageIds) => both(messageIds, referencers, (m) => store.findReferencers(m)),
    listSubjectKeysOf: (ids) => split(ids, (id) => keysOf.get(id), (stored) => store.listSubjectKeysOf(stored)),
    async findSubjectCandidates(keys, from, to) {
      const out = keys.length > 0 ? await store.findSubjectCandidates(keys, from, to) : [];
      for (const [subject, counterparts] of byPair(keys)) {
        for (const counterpart of counterparts.keys()) {
          for (const k of keysByPair.get(subject)?.get(counterpart) ?? []) if (k.occurred_at >= from && k.occurred_at <= to) out.push(k);
        }
      }
      return out;
    },
    upsertThreads: (rows) => store.upsertThreads(rows),
    async setThreadIds(assignments) {
      const stored: [string, string][] = [];
      for (const [id, threadId] of assignments) {
        const node = byId.get(id);
        if (node) node.thread_id = threadId;
        else stored.push([id, threadId]);
      }
      if (stored.length > 0) await store.setThreadIds(stored);
    },
    deleteThreads: (ids) => store.deleteThreads(ids),
  };
}

/**
 * Threads a batch of new messages before they are inserted: recomputes the threads they touch
 * and sets `thread_id` on their nodes (the caller's rows, updated in place); stored messages
 * that change thread are updated in the store.
 */
export async function threadPending(store: ThreadStore, pending: PendingMessages, ids: IdGenerator = newId): Promise<void> {
  await rethread(
    withPending(store, pending),
    pending.nodes.map((n) => n.id),
    ids,
  );
}

/** Recomputes the threads touched by the messages `newIds`. */
async function rethread(store: ThreadStore, newIds: string[], ids: IdGenerator): Promise<void> {
  const nodes = new Map<string, ThreadNode>();
  const uf = new UnionFind();
  // Messages with a reference that resolves: they take no subject links of their own.
  const resolves = new Set<string>();
  const subjectLinks: [string, string][] = [];
  const oldThreads = new Set<string>();
  let frontier = [...new Set(newIds)];

  while (frontier.length > 0) {
    const next = new Set<string>();
    const wanted = (id: string) => {
      if (!nodes.has(id)) next.add(id);
    };
    const fresh = await store.loadNodes(frontier);
    for (const n of fresh) nodes.set(n.id, n);
    // Whole old threads: a member that loses its link must be split off, not forgotten.
    const threadIds: string[] = [];
    for (const n of fresh) {
      if (!n.thread_id || oldThreads.has(n.thread_id)) continue;
      oldThreads.add(n.thread_id);
      threadIds.push(n.thread_id);
    }
    for (const id of await store.listThreadMembers(threadIds)) wanted(id);

    const refs = await store.listRefsOf(frontier);
    const byMessageId = group(await store.findByMessageIds([...new Set(refs.map((r) => r.ref_message_id))]), (t) => t.message_id);
    for (const r of refs) {
      for (const target of byMessageId.get(r.ref_message_id) ?? []) {
        if (target.id === r.interaction_id) continue;
        resolves.add(r.interaction_id);
        uf.union(r.interaction_id, target.id);
        wanted(target.id);
      }
    }
    const messageIds = fresh.map((n) => n.message_id).filter((m): m is string => !!m);
    for (const r of await store.findReferencers(messageIds)) wanted(r.interaction_id);

    const keys = await store.listSubjectKeysOf(frontier);
    if (keys.length > 0) {
      let from = Number.POSITIVE_INFINITY;
      let to = Number.NEGATIVE_INFINITY;
      for (const k of keys) {
        from = Math.min(from, k.occurred_at - SUBJECT_WINDOW_MS);
        to = Math.max(to, k.occurred_at + SUBJECT_WINDOW_MS);
      }
      const candidates = byPair(await store.findSubjectCandidates(keys, from, to));
      for (const k of keys) {
        for (const c of candidates.get(k.subject_key)?.get(k.counterpart) ?? []) {
          if (c.interaction_id === k.interaction_id || Math.abs(c.occurred_at - k.occurred_at) > SUBJECT_WINDOW_MS) continue;
          subjectLinks.push([k.interaction_id, c.interaction_id]);
          wanted(c.interaction_id);
        }
      }
    }
    frontier = [...next];
  }

  // A subject link holds when either end has no resolving reference (known once all are loaded).
  for (const [a, b] of subjectLinks) if (nodes.has(a) && nodes.has(b) && (!resolves.has(a) || !resolves.has(b))) uf.union(a, b);
  const components = group([...nodes.values()], (node) => uf.find(node.id));

  // Keep the old id of the thread most of a component comes from; biggest components choose first.
  const ordered = [...components.values()].sort((a, b) => b.length - a.length || (a[0]!.id < b[0]!.id ? -1 : 1));
  const used = new Set<string>();
  const assignments: [string, string][] = [];
  const threadRows = [];
  for (const members of ordered) {
    const votes = new Map<string, number>();
    for (const m of members) if (m.thread_id && !used.has(m.thread_id)) votes.set(m.thread_id, (votes.get(m.thread_id) ?? 0) + 1);
    const best = [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const threadId = best ? best[0] : ids('th');
    used.add(threadId);
    members.sort((a, b) => a.occurred_at - b.occurred_at || (a.id < b.id ? -1 : 1));
    for (const m of members) if (m.thread_id !== threadId) assignments.push([m.id, threadId]);
    threadRows.push({
      id: threadId,
      subject: members[0]!.subject,
      first_at: members[0]!.occurred_at,
      last_at: members[members.length - 1]!.occurred_at,
      message_count: members.length,
    });
  }
  await store.upsertThreads(threadRows);
  await store.setThreadIds(assignments);
  await store.deleteThreads([...oldThreads].filter((t) => !used.has(t)));
}
