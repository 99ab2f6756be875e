/** The job definitions a queue runs, by name, and the checks both adapters share. */
import { ValidationError } from '../errors.js';
import type { AnyJobDefinition, EnqueueOptions } from './jobs.types.js';

export type JobRegistry = ReadonlyMap<string, AnyJobDefinition>;

export function createRegistry(definitions: readonly AnyJobDefinition[]): JobRegistry {
  const registry = new Map<string, AnyJobDefinition>();
  for (const definition of definitions) {
    if (registry.has(definition.name)) throw new Error(`job ${definition.name} is defined twice`);
    registry.set(definition.name, definition);
  }
  return registry;
}

export interface CheckedJob {
  definition: AnyJobDefinition;
  payload: unknown;
  key: string | null;
  workspaceId: string | null;
}

/**
 * The definition of `name` and its payload, parsed by its schema; the key the caller gave or
 * the definition's own.
 * @throws validation (unknown job, payload not matching its schema)
 */
export function checkJob(registry: JobRegistry, name: string, payload: unknown, options: EnqueueOptions = {}): CheckedJob {
  const definition = registry.get(name);
  if (!definition) throw new ValidationError(`no job named ${name}`);
  const parsed = definition.payload.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(`job ${name}: the payload does not match its schema`, parsed.error.issues.map((i) => ({ where: `payload.${i.path.join('.')}`, reason: i.message })));
  }
  const key = options.key ?? definition.key?.(parsed.data) ?? null;
  const workspaceId = typeof (parsed.data as { workspace_id?: unknown })?.workspace_id === 'string' ? (parsed.data as { workspace_id: string }).workspace_id : null;
  return { definition, payload: parsed.data, key, workspaceId };
}

/** The handler's error as the queue stores it: the message, never a stack with paths. */
export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}

/** The queue's number of a job id as shown (`job-12`, or the bare number); null for anything else. */
export function jobNumber(id: string): number | null {
  const match = /^(?:job-)?(\d{1,15})$/.exec(id.trim());
  return match ? Number(match[1]) : null;
}
