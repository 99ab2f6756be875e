/**
 * The default SuggestionDeps: open waits from the metrics engine, achievement and competitor
 * detection from the text module. Imported lazily, only when the engine has to run.
 */
import type { SuggestionDeps } from './suggestions.input.js';
import { listOpenWaitsOf } from './waits.input.js';

export async function loadSuggestionDeps(): Promise<SuggestionDeps> {
  const [health, text] = await Promise.all([import('../health/health.service.js'), import('../text/index.js')]);
  return {
    listOpenWaits: (db, ws, now) => health.listOpenWaits(db, ws, now),
    listOpenWaitsOf,
    detectAchievements: (t, extra) => text.detectAchievements(t, extra),
    competitorMentions: (t, names) => text.competitorMentions(t, names),
  };
}
