/**
 * The web app's calls to the newsletter: lists, subscribers, campaigns, the funnel and drips. Types come from the server's
 * schema file (types only); paths are the API's.
 */
import type { z } from 'zod';
import type { DripSchema, FunnelSchema } from '../../src/newsletter/grow.schema.js';
import type { Campaign, CampaignInput, ImportResult, NewsletterList, Preview, Segment, SendStats, Subscriber } from '../../src/newsletter/newsletter.schema.js';
import { request } from './api';

export type Funnel = z.infer<typeof FunnelSchema>;
export type Drip = z.infer<typeof DripSchema>;
export type { Campaign, ImportResult, NewsletterList, Preview, Segment, SendStats, Subscriber };

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

/** Campaigns: drafts from Markdown, preview, test send, send and its stats. */
export const newsletterCampaignsApi = {
  campaigns: () => request<Campaign[]>('GET', '/newsletter/campaigns?limit=100'),
  create: (input: CampaignInput) => request<Campaign>('POST', '/newsletter/campaigns', input),
  preview: (id: string) => request<Preview>('GET', campaignPath(id, '/preview')),
  testSend: (id: string, to: string) => request<{ to: string; message_id: string }>('POST', campaignPath(id, '/test-send'), { to }),
  send: (id: string) => request<SendStats>('POST', campaignPath(id, '/send'), {}),
  stats: (id: string) => request<SendStats>('GET', campaignPath(id, '/stats')),
  subscribers: (list: string) => request<Subscriber[]>('GET', `/newsletter/lists/${encodeURIComponent(list)}/subscribers?limit=100`),
  subscribe: (list: string, input: { email: string; name?: string | null; confirmed: boolean }) => request<Subscriber>('POST', `/newsletter/lists/${encodeURIComponent(list)}/subscribers`, input),
  unsubscribe: (list: string, id: string) => request<Subscriber>('PATCH', `/newsletter/lists/${encodeURIComponent(list)}/subscribers/${encodeURIComponent(id)}`, { status: 'unsubscribed' }),
};
