/**
 * Workspace and settings schemas: the contract for the CLI, the API and the web app.
 * Defaults are SPEC §4.7 and §5.1; renaming a key breaks stored settings.
 */
import { z } from 'zod';
import { boundedList, MAX_LIST_ITEMS } from '../shared/limits.js';

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');

export const BusinessHoursSchema = z.object({
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  start: Time,
  end: Time,
}).refine((h) => h.start < h.end, { message: 'business hours must end after they start', path: ['end'] });
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

export const HealthWeightsSchema = z.object({
  responsiveness: z.number().min(0).max(100),
  attention: z.number().min(0).max(100),
  care: z.number().min(0).max(100),
  engagement: z.number().min(0).max(100),
  reciprocity: z.number().min(0).max(100),
}).refine((w) => Object.values(w).some((v) => v > 0), {
  // With every weight 0 no contact could be scored at all.
  message: 'Weights must add up to more than 0',
});
export type HealthWeights = z.infer<typeof HealthWeightsSchema>;

export const DEFAULT_WEIGHTS: HealthWeights = {
  responsiveness: 0.3,
  attention: 0.25,
  care: 0.2,
  engagement: 0.15,
  reciprocity: 0.1,
};

/** A reply-time target: at most a year of business seconds. */
const SlaSeconds = z.number().int().positive().max(365 * 86_400);
const isSmallRecord = (r: Record<string, unknown>) => Object.keys(r).length <= MAX_LIST_ITEMS;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * Where people reach this Rapport (https://crm.example.com): newsletter links (unsubscribe,
 * clicks, the open pixel, confirmations) are built on it. https only, except a loopback host
 * for trying it out; no query or fragment; stored without a trailing slash.
 */
export const PublicUrlSchema = z
  .string()
  .trim()
  .max(300)
  .refine((text) => URL.canParse(text), 'not a URL: expected https://host[/path]')
  .refine((text) => !URL.canParse(text) || isPublicUrlShape(new URL(text)), 'use https://host[/path] (http:// only for localhost), with no user, query or fragment')
  // overwrite, not transform: the OpenAPI document describes it as a plain string.
  .overwrite((text) => (URL.canParse(text) ? `${new URL(text).origin}${new URL(text).pathname}`.replace(/\/+$/, '') : text));

function isPublicUrlShape(url: URL): boolean {
  const isHttps = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
  return isHttps && !url.username && !url.password && !url.search && !url.hash;
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

export const WorkspaceSettingsSchema = z.object({
  /** A team's own addresses can outnumber other lists: a thousand, not a hundred. */
  own_addresses: boundedList(z.string().max(320).email(), 1000).default([]),
  own_domains: boundedList(z.string().min(1).max(253)).default([]),
  time_zone: z.string().max(100).default('UTC'),
  /** The language dates are written in (BCP 47, "en-GB"); null: each reader's own. */
  locale: z.string().trim().max(35).refine(isLanguageTag, 'not a language tag; use one like en-GB or de-DE').nullable().default(null),
  business_hours: BusinessHoursSchema.default({ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }),
  include_lists: z.boolean().default(false),
  competitors: boundedList(z.string().min(1).max(200)).default([]),
  /** Extra phrases that announce news worth a compliment ("opened a new branch"), beside the built-in rules. */
  achievement_patterns: z.array(z.string().trim().min(2).max(100)).max(50).default([]),
  nudge_gap_s: z.number().int().positive().max(30 * 86_400).default(4 * 3600),
  honeymoon_days: z.number().int().positive().max(3650).default(90),
  /** How many items Today's daily plan holds; the rest stays one click away. */
  today_plan_size: z.number().int().min(1).max(100).default(10),
  weights: HealthWeightsSchema.default(DEFAULT_WEIGHTS),
  /** Reply-time targets in business seconds: workspace default, per tag, per contact id. */
  sla: z
    .object({
      default_s: SlaSeconds.nullable().default(null),
      by_tag: z.record(z.string().max(64), SlaSeconds).refine(isSmallRecord, `at most ${MAX_LIST_ITEMS} entries`).default({}),
      by_contact: z.record(z.string().max(320), SlaSeconds).refine(isSmallRecord, `at most ${MAX_LIST_ITEMS} entries`).default({}),
    })
    .default({ default_s: null, by_tag: {}, by_contact: {} }),
  public_url: PublicUrlSchema.nullable().default(null),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;

export const Slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, 'a slug is 1–48 lower-case letters, digits and dashes');

export interface Workspace {
  id: string;
  slug: string;
  name: string;
  settings: WorkspaceSettings;
  created_at: string;
}

export function defaultSettings(): WorkspaceSettings {
  return WorkspaceSettingsSchema.parse({});
}

/**
 * Settings as stored. Writes are validated whole; a stored key that today's schema refuses
 * (written before a limit existed) falls back to its default instead of failing every read.
 */
export function readSettings(raw: unknown): WorkspaceSettings {
  const whole = WorkspaceSettingsSchema.safeParse(raw);
  if (whole.success) return whole.data;
  const stored = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(WorkspaceSettingsSchema.shape)) {
    if (key in stored && schema.safeParse(stored[key]).success) kept[key] = stored[key];
  }
  return WorkspaceSettingsSchema.parse(kept);
}
