/**
 * Knowledge items (SPEC §2): notes, articles, links with topics, worth sharing with contacts
 * whose interests match. `KnowledgeItem` is the object of `knowledge … --json` and
 * GET /knowledge; its field names are a public contract.
 */
import { z } from 'zod';

const Topic = z.string().trim().toLowerCase().min(1).max(80);

export const KnowledgeInputSchema = z.object({
  title: z.string().trim().min(1, 'a knowledge item needs a title').max(500),
  url: z.url({ message: 'not a valid URL (http:// or https://)', protocol: /^https?$/ }).nullable().optional(),
  topics: z.array(Topic).min(1, 'give at least one topic (--topics a,b)').max(50),
  body: z.string().max(20_000).nullable().optional(),
});
export type KnowledgeInput = z.input<typeof KnowledgeInputSchema>;

export const KnowledgePatchSchema = KnowledgeInputSchema.partial();
export type KnowledgePatch = z.input<typeof KnowledgePatchSchema>;

export interface KnowledgeItem {
  id: string;
  title: string;
  url: string | null;
  topics: string[];
  body: string | null;
  created_at: string;
  /** Contacts it was shared with. */
  shared_with: { contact_id: string; at: string }[];
}

/** Lower case, single spaces: how topics and interests are compared. */
export function normalizeTopic(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}+#]+/gu, ' ').trim();
}

/**
 * Whether an interest ("sailing on weekends") and a topic ("sailing") meet: one contains the
 * other as whole words, so "ai" does not match "mountain".
 */
export function topicMatchesInterest(topic: string, interest: string): boolean {
  const t = ` ${normalizeTopic(topic)} `;
  const i = ` ${normalizeTopic(interest)} `;
  if (t.trim() === '' || i.trim() === '') return false;
  return i.includes(t) || t.includes(i);
}
