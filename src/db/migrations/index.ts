import type { Migration } from 'kysely';
import { migration as foundation } from './0001-foundation.js';

/**
 * Every migration, in order. Names are versions: append new ones, never rename or edit one
 * that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
};
