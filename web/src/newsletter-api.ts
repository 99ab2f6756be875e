/**
 * The web app's calls to the newsletter: lists, subscribers, campaigns, the funnel and drips. Types come from the server's
 * schema file (types only); paths are the API's.
 */
import type { z } from 'zod';
import type { DripSchema, FunnelSchema } from '../../src/newsletter/grow.schema.js';
import type { Campaign, CampaignInput, CampaignStats, ImportResult, NewsletterList, Preview, Segment, SendStats, Subscriber, UncertainRecipient } from '../../src/newsletter/newsletter.schema.js';
import { API, ApiError, request } from './api';

export type Funnel = z.infer<typeof FunnelSchema>;
export type Drip = z.infer<typeof DripSchema>;
export type { Campaign, CampaignStats, ImportResult, NewsletterList, Preview, Segment, SendStats, Subscriber, UncertainRecipient };

/** One page of a list, the cursor of the next (null on the last) and how many there are in all (X-Total-Count). */
export interface Page<T> {
  items: T[];
  next: string | null;
  total: number;
}

export const PAGE_SIZE = 100;

async function page<T>(path: string, params: Record<string, string | null | undefined>): Promise<Page<T>> {
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const res = await fetch(`${API}${path}?${q}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  const data = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    throw new ApiError(res.status, String(p.title ?? (res.statusText || 'Request failed')), p.detail as string | undefined, p);
  }
  const items = Array.isArray(data) ? (data as T[]) : [];
  const total = Number(res.headers.get('x-total-count'));
  return { items, next: res.headers.get('x-next-cursor'), total: Number.isFinite(total) ? total : items.length };
}

export const newsletterGrowApi = {
  funnel: (list?: string) => request<Funnel>('GET', `/newsletter/funnel${list ? `?list=${encodeURIComponent(list)}` : ''}`),
  lists: () => request<NewsletterList[]>('GET', '/newsletter/lists'),
  createList: (input: { name: string; from_address?: string | null }) => request<NewsletterList>('POST', '/newsletter/lists', input),
  importSubscribers: (list: string, input: { csv: string; confirmed: boolean }) => request<ImportResult>('POST', `/newsletter/lists/${encodeURIComponent(list)}/imports`, input),
  drips: () => request<Drip[]>('GET', '/newsletter/drips'),
  createDrip: (input: { list: string; name: string }) => request<Drip>('POST', '/newsletter/drips', input),
  addDripStep: (drip: string, input: { after_days: number; markdown: string }) => request<Drip>('POST', `/newsletter/drips/${encodeURIComponent(drip)}/steps`, input),
};


const campaignPath = (id: string, rest = '') => `/newsletter/campaigns/${encodeURIComponent(id)}${rest}`;

/** Campaigns: drafts from Markdown, preview, schedule, test send, send, stats and uncertain recipients. */
export const newsletterCampaignsApi = {
  campaigns: (cursor: string | null) => page<Campaign>('/newsletter/campaigns', { cursor }),
  create: (input: CampaignInput) => request<Campaign>('POST', '/newsletter/campaigns', input),
  preview: (id: string) => request<Preview>('GET', campaignPath(id, '/preview')),
  /** The preview as a page of its own, with a policy that lets https images show and runs no script. */
  previewUrl: (id: string) => `${API}${campaignPath(id, '/preview.html')}`,
  schedule: (id: string, at: string | null) => request<Campaign>('POST', campaignPath(id, '/schedule'), { at }),
  testSend: (id: string, to: string) => request<{ to: string; message_id: string }>('POST', campaignPath(id, '/test-send'), { to }),
  send: (id: string, options: { account?: string; rate?: number } = {}) => request<CampaignStats>('POST', campaignPath(id, '/send'), options),
  stats: (id: string) => request<CampaignStats>('GET', campaignPath(id, '/stats')),
  uncertain: (id: string) => request<UncertainRecipient[]>('GET', campaignPath(id, '/uncertain')),
  release: (id: string, emails: string[], asSent: boolean) => request<{ released: number }>('POST', campaignPath(id, '/release'), { emails, as_sent: asSent }),
  subscribers: (list: string, search: string, cursor: string | null) => page<Subscriber>(`/newsletter/lists/${encodeURIComponent(list)}/subscribers`, { email: search.trim(), cursor }),
  subscribe: (list: string, input: { email: string; name?: string | null; confirmed: boolean }) => request<Subscriber>('POST', `/newsletter/lists/${encodeURIComponent(list)}/subscribers`, input),
  unsubscribe: (list: string, id: string) => request<Subscriber>('PATCH', `/newsletter/lists/${encodeURIComponent(list)}/subscribers/${encodeURIComponent(id)}`, { status: 'unsubscribed' }),
};
