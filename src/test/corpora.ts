import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The shared corpora of real mail, vCards, CSVs and calendars live beside the repository
 * (`../shared/corpora`). A clone elsewhere points at them with RAPPORT_CORPORA; the
 * workplace's fixed place is the last resort.
 */
function findCorpora(): string {
  const candidates = [process.env.RAPPORT_CORPORA, resolve(import.meta.dirname, '../../../shared/corpora'), '/work/shared/corpora'];
  for (const dir of candidates) if (dir && existsSync(dir)) return dir;
  throw new Error(`The shared corpora were not found (tried ${candidates.filter(Boolean).join(', ')}); set RAPPORT_CORPORA to their folder.`);
}

export const CORPORA = findCorpora();

export const corpus = (...parts: string[]): string => join(CORPORA, ...parts);
