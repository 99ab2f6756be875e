/**
 * Forms are validated with the same zod schemas as the API: `fieldErrors` maps a failed parse
 * to one message per field, and `Field` shows it next to its input (aria-invalid, described-by).
 */
import { type ReactNode, useId } from 'react';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/**
 * The schema's message as a sentence beside a field: the command line's flag hints ("(--date
 * YYYY-MM-DD)") mean nothing in a form, and a sentence starts with a capital and ends with a stop.
 */
export function plainMessage(message: string): string {
  const text = message.replace(/\s*\(--[^)]*\)/g, '').trim();
  if (!text) return 'Please check this field.';
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_';
    out[key] ??= plainMessage(issue.message);
  }
  return out;
}

/** Parse `values`; on failure return the errors by field instead of throwing. */
export function check<S extends z.ZodType>(schema: S, values: unknown): { data: z.infer<S>; errors: null } | { data: null; errors: FieldErrors } {
  const r = schema.safeParse(values);
  return r.success ? { data: r.data, errors: null } : { data: null, errors: fieldErrors(r.error) };
}

export function Field({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  const id = useId();
  const describedBy = [error ? `${id}-err` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="stack" style={{ gap: '0.3rem' }}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && <span id={`${id}-hint`} className="muted" style={{ fontSize: '0.8rem' }}>{hint}</span>}
      {error && <span id={`${id}-err`} className="field-error">{error}</span>}
    </div>
  );
}
