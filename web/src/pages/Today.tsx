/**
 * Today (SPEC §6): the ranked next best actions grouped by behaviour. Each one is a click (or
 * a key) from done, snoozed or dismissed. Keys: j/k move, d done, s snooze, x dismiss.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Suggestion } from '../api';
import { PageHeader, QueryState } from '../components/ui';
import { SuggestionCard } from '../components/SuggestionCard';

type Action = 'done' | 'snooze' | 'dismiss';

export default function Today() {
  const queryClient = useQueryClient();
  const today = useQuery({ queryKey: ['today'], queryFn: api.today });
  const [selected, setSelected] = useState(0);
  const [announce, setAnnounce] = useState('');
  const listRef = useRef<HTMLDivElement>(null);

  const open = useMemo(() => (today.data ?? []).filter((s) => s.status === 'open' || !s.status), [today.data]);
  const groups = useMemo(() => groupByBehavior(open), [open]);
  const ordered = useMemo(() => groups.flatMap((g) => g.items), [groups]);

  const act = useMutation({
    mutationFn: ({ s, action }: { s: Suggestion; action: Action }) => api.actOnSuggestion(s.id, action, action === 'snooze' ? tomorrow() : undefined),
    onSuccess: (_r, { s, action }) => {
      queryClient.setQueryData<Suggestion[]>(['today'], (old) => old?.filter((x) => x.id !== s.id));
      setAnnounce(`${label(action)}: ${s.contact.name}`);
      void queryClient.invalidateQueries({ queryKey: ['today'] });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
    },
  });

  useEffect(() => {
    if (selected >= ordered.length && ordered.length > 0) setSelected(ordered.length - 1);
  }, [ordered.length, selected]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.metaKey || e.ctrlKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable) return;
      const current = ordered[selected];
      if (e.key === 'j' || e.key === 'k') {
        const next = Math.max(0, Math.min(ordered.length - 1, selected + (e.key === 'j' ? 1 : -1)));
        setSelected(next);
        listRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
      } else if (current && (e.key === 'd' || e.key === 's' || e.key === 'x')) {
        act.mutate({ s: current, action: e.key === 'd' ? 'done' : e.key === 's' ? 'snooze' : 'dismiss' });
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ordered, selected, act]);

  let index = 0;
  return (
    <div>
      <PageHeader title="Today">
        <span className="muted" style={{ fontSize: '0.85rem' }}>
          <span className="kbd">j</span>/<span className="kbd">k</span> move · <span className="kbd">d</span> done · <span className="kbd">s</span> snooze · <span className="kbd">x</span> dismiss
        </span>
      </PageHeader>
      <p className="sr-only" role="status" aria-live="polite">{announce}</p>
      {act.error && <p className="error" role="alert">{act.error.message}</p>}
      <QueryState isPending={today.isPending} error={today.error} empty={ordered.length === 0 ? <p>Nothing to do today. Every relationship is in good hands.</p> : undefined}>
        <div ref={listRef} className="stack" style={{ gap: '1.5rem' }}>
          {groups.map((g) => (
            <section key={g.behavior} className="group" aria-labelledby={`grp-${g.behavior}`}>
              <h2 id={`grp-${g.behavior}`}>{g.behavior} <span className="muted" style={{ fontWeight: 400 }}>{g.items.length}</span></h2>
              <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {g.items.map((s) => {
                  const i = index++;
                  return (
                    <li key={s.id}>
                      <SuggestionCard s={s} index={i} isSelected={i === selected} onFocus={() => setSelected(i)} busy={act.isPending} onAct={(action) => act.mutate({ s, action })} />
                    </li>
                  );
                })}
              </ul>
            </section>
          ))}
        </div>
      </QueryState>
    </div>
  );
}

function groupByBehavior(items: Suggestion[]) {
  const map = new Map<string, Suggestion[]>();
  for (const s of [...items].sort((a, b) => b.priority - a.priority)) {
    const key = s.behavior || 'other';
    map.set(key, [...(map.get(key) ?? []), s]);
  }
  return [...map].map(([behavior, list]) => ({ behavior, items: list }));
}

function tomorrow(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d.toISOString();
}

const label = (a: Action) => (a === 'done' ? 'Done' : a === 'snooze' ? 'Snoozed until tomorrow' : 'Dismissed');
