/**
 * The environment, read once. Nothing else in Rapport reads process.env: commands and the
 * server receive these values (overridden by flags) as arguments.
 */
import { z } from 'zod';

const EnvSchema = z.object({
  RAPPORT_DATA: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  RAPPORT_NOW: z.string().min(1).optional(),
  RAPPORT_SECRET: z.string().min(16).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

export type Env = Readonly<z.infer<typeof EnvSchema>>;

let cached: Env | undefined;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (source === process.env && cached) return cached;
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const env = Object.freeze(parsed.data);
  if (source === process.env) cached = env;
  return env;
}
