/**
 * Reports (SPEC §8.3): trends read from stored health, its daily snapshots and the threads.
 * The web app's Reports page and the contact's trend chart use these types; field names are
 * a public contract.
 */
import { z } from 'zod';

export const HealthPointSchema = z.object({ day: z.string().describe('YYYY-MM-DD in the workspace time zone'), score: z.number().nullable() });
export type HealthPoint = z.infer<typeof HealthPointSchema>;

const StatusCounts = { thriving: z.number(), steady: z.number(), cooling: z.number(), at_risk: z.number() };

export const ReportsSchema = z.object({
  statuses_now: z.object({ ...StatusCounts, unscored: z.number() }).describe('contacts by their current health status'),
  responsiveness: z
    .array(z.object({ week: z.string().describe('Monday of the week, YYYY-MM-DD'), replies: z.number(), median_s: z.number().nullable(), median_business_s: z.number().nullable() }))
    .describe('median time to reply per week of the reply, wall clock and business hours'),
  attention_ratios: z
    .array(z.object({ from: z.number(), to: z.number().nullable(), contacts: z.number() }))
    .describe('contacts past their honeymoon by attention kept (touches now ÷ during the honeymoon), in buckets [from, to)'),
  statuses: z
    .array(z.object({ day: z.string(), ...StatusCounts }))
    .describe('contacts by health status per day of the daily snapshots'),
});
export type Reports = z.infer<typeof ReportsSchema>;
