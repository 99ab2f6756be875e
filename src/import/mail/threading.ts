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

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** What the caller just inserted for the new messages: spares reading it back. */
export interface ThreadSeed {
  nodes: ThreadNode[];
  refs: { interaction_id: string; ref_message_id: string }[];
  keys: SubjectKeyRow[];
}

/**
 * Recomputes the threads touched by the messages `newIds` (already inserted). `seed`, when
 * given, must be exactly the stored nodes, refs and subject keys of `newIds`.
 */
export async function rethread(store: ThreadStore, newIds: string[], ids: IdGenerator = newId, seed?: ThreadSeed): Promise<{ threads: number }> {
  const nodes = new Map<string, ThreadNode>();
  const resolved = new Map<string, Set<string>>();
  const subjectLinks = new Map<string, Set<string>>();
  const oldThreads = new Set<string>();
  let frontier = [...new Set(newIds)];
  let seeded = seed;

  while (frontier.length > 0) {
    const next = new Set<string>();
    const wanted = (id: string) => {
      if (!nodes.has(id)) next.add(id);
    };
    const fresh = seeded ? seeded.nodes : await store.loadNodes(frontier);
    for (const n of fresh) nodes.set(n.id, n);
    // Whole old threads: a member that loses its link must be split off, not forgotten.
    const threadIds = [...new Set(fresh.map((n) => n.thread_id).filter((t): t is string => !!t && !oldThreads.has(t)))];
    for (const t of threadIds) oldThreads.add(t);
    for (const id of await store.listThreadMembers(threadIds)) wanted(id);

    const refs = seeded ? seeded.refs : await store.listRefsOf(frontier);
    const targets = await store.findByMessageIds([...new Set(refs.map((r) => r.ref_message_id))]);
    const byMessageId = new Map<string, string[]>();
    for (const t of targets) if (t.message_id) byMessageId.set(t.message_id, [...(byMessageId.get(t.message_id) ?? []), t.id]);
    for (const r of refs) {
      for (const target of byMessageId.get(r.ref_message_id) ?? []) {
        if (target === r.interaction_id) continue;
        add(resolved, r.interaction_id, target);
        wanted(target);
      }
    }
    const messageIds = fresh.map((n) => n.message_id).filter((m): m is string => !!m);
    for (const r of await store.findReferencers(messageIds)) wanted(r.interaction_id);

    const keys = seeded ? seeded.keys : await store.listSubjectKeysOf(frontier);
    seeded = undefined;
    if (keys.length > 0) {
      let from = Number.POSITIVE_INFINITY;
      let to = Number.NEGATIVE_INFINITY;
      for (const k of keys) {
        from = Math.min(from, k.occurred_at - SUBJECT_WINDOW_MS);
        to = Math.max(to, k.occurred_at + SUBJECT_WINDOW_MS);
      }
      const candidates = await store.findSubjectCandidates(keys, from, to);
      const byPair = new Map<string, typeof candidates>();
      for (const c of candidates) {
        const pair = `${c.subject_key}\u0000${c.counterpart}`;
        byPair.set(pair, [...(byPair.get(pair) ?? []), c]);
      }
      for (const k of keys) {
        for (const c of byPair.get(`${k.subject_key}\u0000${k.counterpart}`) ?? []) {
          if (c.interaction_id === k.interaction_id || Math.abs(c.occurred_at - k.occurred_at) > SUBJECT_WINDOW_MS) continue;
          add(subjectLinks, k.interaction_id, c.interaction_id);
          add(subjectLinks, c.interaction_id, k.interaction_id);
          wanted(c.interaction_id);
        }
      }
    }
    frontier = [...next];
  }

  const uf = new UnionFind();
  const eligible = (id: string) => (resolved.get(id)?.size ?? 0) === 0;
  for (const id of nodes.keys()) {
    uf.find(id);
    for (const t of resolved.get(id) ?? []) uf.union(id, t);
    if (!eligible(id)) continue;
    for (const other of subjectLinks.get(id) ?? []) if (nodes.has(other)) uf.union(id, other);
  }
  const components = new Map<string, ThreadNode[]>();
  for (const node of nodes.values()) {
    const root = uf.find(node.id);
    components.set(root, [...(components.get(root) ?? []), node]);
  }

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
  return { threads: threadRows.length };
}
