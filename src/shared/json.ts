/** Reads a JSON column written by Rapport itself; a corrupt value falls back rather than crash a listing. */
export function readJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
