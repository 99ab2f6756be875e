/**
 * Today: the day's plan (about 10 items, kept for the day), every open suggestion one click
 * away. Each action is confirmed with Undo, and focus moves to the next card. Keys: j/k move,
 * d done, s snooze until tomorrow, x dismiss, u undo the last action.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, type Suggestion } from '../api';
import { PageHeader, QueryState } from '../components/ui';
import { todayQuery } from '../page-queries';
import { type CardAction, localDayAt9, SuggestionCard, snoozeLabel } from '../components/SuggestionCard';

interface Toast {
  text: string;
  undo?: { s: Suggestion; interactionId?: string };
}

export default function Today() {
  const queryClient = useQueryClient();
  const [showAll, setShowAll] = useState(false);
  const query = todayQuery(showAll);
  const key = query.queryKey;
  const today = useQuery(query);
  const [selected, setSelected] = useState(0);
  const [toast, setToast] = useState<Toast | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const focusNext = useRef<number | null>(null);

  const items = (today.data?.items ?? []).filter((s) => s.status === 'open');
  const total = today.data?.total ?? 0;

  const act = useMutation({
    mutationFn: ({ s, action }: { s: Suggestion; action: CardAction; index: number }) =>
      api.actOnSuggestion(s.id, action.type, action.type === 'snooze' ? action.until : undefined),
    onSuccess: (result, { s, action, index }) => {
      queryClient.setQueryData<{ items: Suggestion[]; total: number }>(key, (old) => old && { items: old.items.filter((x) => x.id !== s.id), total: old.total - 1 });
      const who = s.contact.name || s.contact.email || 'contact';
      const text = action.type === 'done' ? `Done: ${who}` : action.type === 'dismiss' ? `Dismissed: ${who}` : `${snoozeLabel(action)}: ${who}`;
      setToast({ text, undo: { s, interactionId: result.interaction?.id } });
      focusNext.current = index;
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      void queryClient.invalidateQueries({ queryKey: ['waiting'] });
    },
  });

  const undo = useMutation({
    mutationFn: ({ s, interactionId }: { s: Suggestion; interactionId?: string }) => api.undoSuggestion(s.id, interactionId),
    onSuccess: (_r, { s }) => {
      setToast({ text: `Back in today's plan: ${s.contact.name || s.contact.email}` });
      void queryClient.invalidateQueries({ queryKey: ['today'] });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      void queryClient.invalidateQueries({ queryKey: ['waiting'] });
    },
  });

  // After an action the next card (now at the same place) takes the focus, or the last one.
  useEffect(() => {
    if (focusNext.current === null) return;
    const cards = listRef.current?.querySelectorAll<HTMLElement>('article.suggestion');
    if (!cards || cards.length === 0) return;
    const next = Math.min(focusNext.current, cards.length - 1);
    focusNext.current = null;
    setSelected(next);
    cards[next]?.focus();
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.metaKey || e.ctrlKey || e.altKey || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName) || t.isContentEditable) return;
      const current = items[selected];
      if (e.key === 'j' || e.key === 'k') {
        const next = Math.max(0, Math.min(items.length - 1, selected + (e.key === 'j' ? 1 : -1)));
        setSelected(next);
        listRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
      } else if (current && (e.key === 'd' || e.key === 's' || e.key === 'x')) {
        const action: CardAction = e.key === 'd' ? { type: 'done' } : e.key === 's' ? { type: 'snooze', until: tomorrowAt9(), label: 'tomorrow' } : { type: 'dismiss' };
        act.mutate({ s: current, action, index: selected });
      } else if (e.key === 'u' && toast?.undo) {
        undo.mutate(toast.undo);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selected, act, undo, toast]);

  const more = total - items.length;
  return (
    <div>
      <PageHeader title="Today">
        <span className="muted keys">
          <span className="kbd">j</span>/<span className="kbd">k</span> move · <span className="kbd">d</span> done · <span className="kbd">s</span> snooze ·{' '}
          <span className="kbd">x</span> dismiss · <span className="kbd">u</span> undo
        </span>
      </PageHeader>
      <div className="toast" role="status" aria-live="polite">
        {toast && (
          <>
            <span>{toast.text}</span>
            {toast.undo && (
              <button type="button" className="btn small" disabled={undo.isPending} onClick={() => toast.undo && undo.mutate(toast.undo)}>
                Undo
              </button>
            )}
          </>
        )}
      </div>
      {(act.error || undo.error) && <p className="error" role="alert">{(act.error ?? undo.error)?.message}</p>}
      <QueryState
        isPending={today.isPending}
        error={today.error}
        empty={items.length === 0 ? <p>{showAll || total === 0 ? 'Nothing to do today. Every relationship is in good hands.' : `Today's plan is done. ${total} more could use you.`}</p> : undefined}
      >
        <p className="muted plan-summary" data-testid="plan-summary">
          {showAll ? `All ${total} open suggestions, most important first.` : `Today's plan: ${items.length} to go${summarizeKinds(items)}.`}
        </p>
        <ul ref={listRef} className="stack plan-list">
          {items.map((s, i) => (
            <li key={s.id}>
              <SuggestionCard s={s} index={i} isSelected={i === selected} onFocus={() => setSelected(i)} busy={act.isPending} onAct={(action) => act.mutate({ s, action, index: i })} onSent={() => {
                setToast({ text: `Sent and done: ${s.contact.name || s.contact.email}` });
                focusNext.current = i;
              }} />
            </li>
          ))}
        </ul>
      </QueryState>
      {!today.isPending && !today.error && (showAll || more > 0) && (
        <p>
          <button type="button" className="btn" onClick={() => setShowAll(!showAll)}>
            {showAll ? "Back to today's plan" : `Show all ${total}`}
          </button>
        </p>
      )}
    </div>
  );
}

const KIND_WORDS: Record<string, [string, string]> = {
  reply: ['reply', 'replies'],
  keep_promise: ['promise', 'promises'],
  reconnect: ['reconnect', 'reconnects'],
  share_knowledge: ['share', 'shares'],
  surprise: ['surprise', 'surprises'],
  compliment: ['compliment', 'compliments'],
  check_in: ['check-in', 'check-ins'],
  follow_interest: ['follow-up', 'follow-ups'],
};

function summarizeKinds(items: Suggestion[]): string {
  const counts = new Map<string, number>();
  for (const s of items) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  const parts = [...counts].map(([kind, n]) => `${n} ${(KIND_WORDS[kind] ?? [kind, kind])[n === 1 ? 0 : 1]}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

const tomorrowAt9 = () => localDayAt9(1);
