/** The funnel report: loads the moments it needs and hands them to the pure computeFunnel. */
import type { Db } from '../db/database.js';
import { DAY_MS } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { findListRowOrThrow } from './subscribers.service.js';
import { computeFunnel, ENGAGED_WINDOW_DAYS, type Funnel } from './funnel.js';
import { listFirstReplies, listFunnelLists, listFunnelSubscribers, listIssuesSent, listLatestEngagement } from './funnel.repo.js';

/**
 * The funnel of the workspace's lists (or of one list, by id or name) at `now`.
 * @throws not_found when the list does not exist
 */
export async function getFunnel(db: Db, ws: Workspace, now: number, listRef?: string): Promise<Funnel> {
  let listId: string | null = null;
  if (listRef !== undefined) {
    listId = (await findListRowOrThrow(db.kysely, ws, listRef)).id;
  }
  const [lists, subscribers, engagement, replies] = await Promise.all([
    listFunnelLists(db.kysely, ws.id, listId),
    listFunnelSubscribers(db.kysely, ws.id, listId),
    listLatestEngagement(db.kysely, ws.id, listId, now - ENGAGED_WINDOW_DAYS * DAY_MS),
    listFirstReplies(db.kysely, ws.id, listId),
  ]);
  // Issues matter only for the medians: those who replied or became clients.
  const counted = new Set(replies.map((r) => r.subscriber_id));
  for (const s of subscribers) if (s.client_since !== null) counted.add(s.id);
  const issues = await listIssuesSent(db.kysely, ws.id, [...counted].sort());
  return computeFunnel({ lists, subscribers, engagement, replies, issues }, now, ws.settings.time_zone);
}
