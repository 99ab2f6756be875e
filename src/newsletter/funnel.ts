/**
 * The newsletter funnel: subscribers → engaged → replied → client, per list and per month of
 * subscription, with the median number of issues a subscriber received before first replying
 * and before becoming a client. Pure: the loaded moments and `now` go in.
 *
 * Each stage counts on its own: engaged is a window (an open or a click in the 90 days before
 * `now`), replied and client are things that happened since the subscription began. A
 * contact who was a client before subscribing did not become one through the newsletter and
 * is not counted as a client.
 */
import { DateTime } from 'luxon';
import { median } from '../metrics/percentiles.js';
import { DAY_MS } from '../shared/time.js';

export const ENGAGED_WINDOW_DAYS = 90;

export interface FunnelSubscriber {
  id: string;
  list_id: string;
  /** When the subscription began: confirmation, or creation for an address imported as confirmed. */
  subscribed_at: number;
  /** The linked contact's client_since, if any. */
  client_since: number | null;
}

/** One moment of one subscriber (an open or click, a reply, an issue sent to them). */
export interface SubscriberMoment {
  subscriber_id: string;
  at: number;
}

export interface FunnelInput {
  lists: { id: string; name: string }[];
  subscribers: FunnelSubscriber[];
  /** Opens and clicks. */
  engagement: SubscriberMoment[];
  /** Reply events and inbound mail or messages from the subscriber's contact. */
  replies: SubscriberMoment[];
  /** Issues (campaigns) sent to them. */
  issues: SubscriberMoment[];
}

export interface FunnelCounts {
  subscribers: number;
  engaged: number;
  replied: number;
  clients: number;
  /** Median number of issues received before the first reply; null when nobody replied. */
  median_issues_before_reply: number | null;
  /** Median number of issues received before becoming a client; null when nobody did. */
  median_issues_before_client: number | null;
}

export interface Funnel {
  engaged_window_days: number;
  total: FunnelCounts;
  lists: (FunnelCounts & { list_id: string; name: string })[];
  /** By month of subscription (YYYY-MM in the workspace's zone), oldest first. */
  months: (FunnelCounts & { month: string })[];
}

interface Outcome {
  engaged: boolean;
  /** Issues before the first reply, or null without a reply. */
  issuesBeforeReply: number | null;
  issuesBeforeClient: number | null;
}

function byId(moments: readonly SubscriberMoment[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of moments) {
    const list = out.get(m.subscriber_id);
    if (list) list.push(m.at);
    else out.set(m.subscriber_id, [m.at]);
  }
  return out;
}

function outcomeOf(s: FunnelSubscriber, now: number, engagement: number[], replies: number[], issues: number[]): Outcome {
  const windowStart = now - ENGAGED_WINDOW_DAYS * DAY_MS;
  const engaged = engagement.some((at) => at >= windowStart && at <= now);
  const since = replies.filter((at) => at >= s.subscribed_at && at <= now);
  const firstReply = since.length === 0 ? null : Math.min(...since);
  const became = s.client_since !== null && s.client_since >= s.subscribed_at && s.client_since <= now ? s.client_since : null;
  const before = (t: number) => issues.filter((at) => at < t && at <= now).length;
  return {
    engaged,
    issuesBeforeReply: firstReply === null ? null : before(firstReply),
    issuesBeforeClient: became === null ? null : before(became),
  };
}

function count(outcomes: readonly Outcome[]): FunnelCounts {
  const replied = outcomes.flatMap((o) => (o.issuesBeforeReply === null ? [] : [o.issuesBeforeReply]));
  const clients = outcomes.flatMap((o) => (o.issuesBeforeClient === null ? [] : [o.issuesBeforeClient]));
  return {
    subscribers: outcomes.length,
    engaged: outcomes.filter((o) => o.engaged).length,
    replied: replied.length,
    clients: clients.length,
    median_issues_before_reply: median(replied),
    median_issues_before_client: median(clients),
  };
}

/** The funnel at `now`; months are the subscription's month in `zone`. */
export function computeFunnel(input: FunnelInput, now: number, zone: string): Funnel {
  const engagement = byId(input.engagement);
  const replies = byId(input.replies);
  const issues = byId(input.issues);
  const perList = new Map<string, Outcome[]>(input.lists.map((l) => [l.id, []]));
  const perMonth = new Map<string, Outcome[]>();
  const all: Outcome[] = [];
  for (const s of input.subscribers) {
    if (s.subscribed_at > now) continue;
    const o = outcomeOf(s, now, engagement.get(s.id) ?? [], replies.get(s.id) ?? [], issues.get(s.id) ?? []);
    all.push(o);
    perList.get(s.list_id)?.push(o);
    const month = DateTime.fromMillis(s.subscribed_at, { zone }).toFormat('yyyy-LL');
    const list = perMonth.get(month);
    if (list) list.push(o);
    else perMonth.set(month, [o]);
  }
  const names = [...input.lists].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    engaged_window_days: ENGAGED_WINDOW_DAYS,
    total: count(all),
    lists: names.map((l) => ({ list_id: l.id, name: l.name, ...count(perList.get(l.id) ?? []) })),
    months: [...perMonth.keys()].sort().map((month) => ({ month, ...count(perMonth.get(month) ?? []) })),
  };
}
