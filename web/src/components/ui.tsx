/** Small shared pieces: page header, query states and formatting. */
import { type ReactNode, useEffect } from 'react';

/** The browser tab names the page: "Contacts · Rapport". */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Rapport` : 'Rapport';
  }, [title]);
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  usePageTitle(title);
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

export function QueryState({ isPending, error, empty, children }: { isPending: boolean; error: unknown; empty?: ReactNode; children: ReactNode }) {
  if (isPending) return <p className="muted" role="status">Loading…</p>;
  if (error) return <p className="error" role="alert">{error instanceof Error ? error.message : String(error)}</p>;
  if (empty) return <div className="empty">{empty}</div>;
  return <>{children}</>;
}

/** "3 d 4 h", "2 h 5 min", "45 s": durations as a person reads them. */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/**
 * Business time in business days and hours: 59.9 business days of 8 hours read "59 d 7 h",
 * where a wall-clock reading of the same seconds would say "19 d 23 h".
 */
export function businessDuration(seconds: number | null | undefined, businessDaySeconds: number | null | undefined): string {
  if (seconds == null) return '—';
  if (!businessDaySeconds || businessDaySeconds <= 0) return duration(seconds);
  const days = Math.floor(seconds / businessDaySeconds);
  const hours = Math.floor((seconds - days * businessDaySeconds) / 3600);
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  return duration(seconds);
}

/** Length of a business day in seconds, from business hours "09:00"–"17:00". */
export function businessDaySeconds(hours: { start: string; end: string } | undefined): number | null {
  if (!hours) return null;
  const s = (t: string) => Number(t.slice(0, 2)) * 3600 + Number(t.slice(3, 5)) * 60;
  return s(hours.end) - s(hours.start);
}

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (iso: string | null | undefined) => (iso ? dateFmt.format(new Date(iso)) : '—');
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTimeFmt.format(new Date(iso)) : '—');

export function daysAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const days = Math.floor((now - Date.parse(iso)) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days} days ago`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
