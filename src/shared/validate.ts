import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses with a zod schema; failures become one ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    where: issue.path.length ? issue.path.join('.') : what,
    reason: issue.message,
  }));
  const first = details[0];
  const message = first ? `invalid ${first.where === what ? what : `${first.where}`}: ${first.reason}` : `invalid ${what}`;
  throw new ValidationError(message, details);
}
