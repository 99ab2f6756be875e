/**
 * Workspace and settings schemas: the contract for the CLI, the API and the web app.
 * Defaults are SPEC §4.7 and §5.1; renaming a key breaks stored settings.
 */
import { z } from 'zod';

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');

export const BusinessHoursSchema = z.object({
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: z.array(z.number().int().min(1).max(7)).min(1),
  start: Time,
  end: Time,
}).refine((h) => h.start < h.end, { message: 'business hours must end after they start', path: ['end'] });
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

export const HealthWeightsSchema = z.object({
  responsiveness: z.number().min(0),
  attention: z.number().min(0),
  care: z.number().min(0),
  engagement: z.number().min(0),
  reciprocity: z.number().min(0),
});
export type HealthWeights = z.infer<typeof HealthWeightsSchema>;

export const DEFAULT_WEIGHTS: HealthWeights = {
  responsiveness: 0.3,
  attention: 0.25,
  care: 0.2,
  engagement: 0.15,
  reciprocity: 0.1,
};

export const WorkspaceSettingsSchema = z.object({
  own_addresses: z.array(z.string().email()).default([]),
  own_domains: z.array(z.string().min(1)).default([]),
  time_zone: z.string().default('UTC'),
  business_hours: BusinessHoursSchema.default({ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }),
  include_lists: z.boolean().default(false),
  competitors: z.array(z.string().min(1)).default([]),
  /** Extra phrases that announce news worth a compliment ("opened a new branch"), beside the built-in rules. */
  achievement_patterns: z.array(z.string().trim().min(2).max(100)).max(50).default([]),
  nudge_gap_s: z.number().int().positive().default(4 * 3600),
  honeymoon_days: z.number().int().positive().default(90),
  /** How many items Today's daily plan holds; the rest stays one click away. */
  today_plan_size: z.number().int().min(1).max(100).default(10),
  weights: HealthWeightsSchema.default(DEFAULT_WEIGHTS),
  /** Reply-time targets in business seconds: workspace default, per tag, per contact id. */
  sla: z
    .object({
      default_s: z.number().int().positive().nullable().default(null),
      by_tag: z.record(z.string(), z.number().int().positive()).default({}),
      by_contact: z.record(z.string(), z.number().int().positive()).default({}),
    })
    .default({ default_s: null, by_tag: {}, by_contact: {} }),
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
