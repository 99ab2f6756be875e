/**
 * The web app's calls to the newsletter's funnel and drips. Types come from the server's
 * schema file (types only); paths are the API's.
 */
import type { z } from 'zod';
import type { DripSchema, FunnelSchema } from '../../src/newsletter/grow.schema.js';
import type { ImportResult, NewsletterList } from '../../src/newsletter/newsletter.schema.js';
import { request } from './api';

export type Funnel = z.infer<typeof FunnelSchema>;
export type Drip = z.infer<typeof DripSchema>;
export type { ImportResult, NewsletterList };

export const newsletterGrowApi = {
  funnel: (list?: string) => request<Funnel>('GET', `/newsletter/funnel${list ? `?list=${encodeURIComponent(list)}` : ''}`),
  lists: () => request<NewsletterList[]>('GET', '/newsletter/lists'),
  createList: (input: { name: string; from_address?: string | null }) => request<NewsletterList>('POST', '/newsletter/lists', input),
  importSubscribers: (list: string, input: { csv: string; confirmed: boolean }) => request<ImportResult>('POST', `/newsletter/lists/${encodeURIComponent(list)}/imports`, input),
  drips: () => request<Drip[]>('GET', '/newsletter/drips'),
  createDrip: (input: { list: string; name: string }) => request<Drip>('POST', '/newsletter/drips', input),
  addDripStep: (drip: string, input: { after_days: number; markdown: string }) => request<Drip>('POST', `/newsletter/drips/${encodeURIComponent(drip)}/steps`, input),
};
