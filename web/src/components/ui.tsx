/** Small shared pieces: page header and query states (formatting lives in ../format). */
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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
