/**
 * One item of Today: who, why it is in today's plan, the reason, its draft (copy or open in
 * the mail app) and the actions. Snooze offers tomorrow, next week or a date. A reply opens a
 * composer in its thread, prefilled with the draft, with the coach beside it.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { api, type Suggestion } from '../api';
import { Composer } from './Composer';
import { formatDate } from '../format';

const KIND_LABELS: Record<string, string> = {
  reply: 'Reply',
  keep_promise: 'Keep a promise',
  reconnect: 'Reconnect',
  share_knowledge: 'Share knowledge',
  surprise: 'Surprise',
  compliment: 'Compliment',
  check_in: 'Check in',
  follow_interest: 'Follow their interest',
};

export type CardAction = { type: 'done' } | { type: 'dismiss' } | { type: 'snooze'; until: string; label: string };

export const snoozeLabel = (a: { label: string }) => `Snoozed until ${a.label}`;

/** 09:00 local, `daysAhead` days from today, without an offset: the server reads it in the workspace's zone. */
export function localDayAt9(daysAhead: number): string {
  const d = new Date();
  d.setDate(d.getDate() + daysAhead);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T09:00`;
}

/** The waiting thread of a reply suggestion: its cause is `reply:<thread id>:<since>`. */
export function replyThreadOf(s: Suggestion): string | null {
  const [kind, thread] = s.cause.split(':');
  return kind === 'reply' && thread ? thread : null;
}

export function SuggestionCard(props: { s: Suggestion; index: number; isSelected: boolean; busy: boolean; onFocus: () => void; onAct: (a: CardAction) => void; onSent?: () => void }) {
  const { s } = props;
  const [copied, setCopied] = useState(false);
  const [replying, setReplying] = useState(false);
  const threadId = s.contact.email ? replyThreadOf(s) : null;
  const [snoozing, setSnoozing] = useState(false);
  const [date, setDate] = useState('');
  const [dateError, setDateError] = useState('');
  const ids = useId();
  const copy = async () => {
    if (!s.draft) return;
    await navigator.clipboard?.writeText(s.draft).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  const mailto = s.contact.email && s.draft ? `mailto:${encodeURIComponent(s.contact.email)}?body=${encodeURIComponent(s.draft)}` : null;
  const who = s.contact.name || s.contact.email || 'contact';
  const kind = KIND_LABELS[s.kind] ?? s.kind;
  const snoozeToDate = () => {
    const today = localDayAt9(0).slice(0, 10);
    if (!date) return setDateError('Pick the day it should come back.');
    if (date <= today) return setDateError('Pick a day after today.');
    setDateError('');
    props.onAct({ type: 'snooze', until: `${date}T09:00`, label: formatDate(`${date}T09:00`) });
  };
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the card is the j/k focus target of Today's keyboard shortcuts.
    <article className="card suggestion" tabIndex={0} data-index={props.index} aria-current={props.isSelected ? 'true' : undefined} onFocus={props.onFocus} aria-label={`${kind}: ${who}`}>
      <div className="stack" style={{ gap: '0.25rem' }}>
        <div className="chips">
          {s.new && <span className="chip new">New</span>}
          <span className={`chip kind-${s.kind}`}>{kind}</span>
          {s.due && <span className="chip">due {formatDate(s.due)}</span>}
        </div>
        <h3 style={{ margin: 0 }}>
          <Link to={`/contacts/${s.contact.id}`}>{who}</Link>
        </h3>
        {s.why && <p className="muted why">{s.why}</p>}
        <p style={{ margin: 0 }}>{s.reason}</p>
      </div>
      <div className="actions">
        {threadId && (
          <button type="button" className="btn small primary" aria-expanded={replying} aria-controls={`${ids}-reply`} onClick={() => setReplying(!replying)} aria-label={`Reply to ${who}`}>Reply…</button>
        )}
        <button type="button" className="btn small primary" disabled={props.busy} onClick={() => props.onAct({ type: 'done' })} aria-label={`Done: ${who}`}>Done</button>
        <button type="button" className="btn small" disabled={props.busy} aria-expanded={snoozing} aria-controls={`${ids}-snooze`} onClick={() => setSnoozing(!snoozing)} aria-label={`Snooze: ${who}`}>Snooze…</button>
        <button type="button" className="btn small ghost" disabled={props.busy} onClick={() => props.onAct({ type: 'dismiss' })} aria-label={`Dismiss: ${who}`}>Dismiss</button>
      </div>
      {s.draft && (
        <div className="draft">
          <p className="draft-text">{s.draft.trim()}</p>
          <div className="page-actions">
            <button type="button" className="btn small" onClick={copy}>{copied ? 'Copied' : 'Copy draft'}</button>
            {mailto && <a className="btn small" href={mailto}>Send from mail app</a>}
          </div>
        </div>
      )}
      {threadId && replying && (
        <div id={`${ids}-reply`}>
          <ReplyComposer s={s} threadId={threadId} onSent={props.onSent} />
        </div>
      )}
      {snoozing && (
        <fieldset id={`${ids}-snooze`} className="snooze">
          <legend>Snooze until</legend>
          <button type="button" className="btn small" disabled={props.busy} onClick={() => props.onAct({ type: 'snooze', until: localDayAt9(1), label: 'tomorrow' })}>Tomorrow</button>
          <button type="button" className="btn small" disabled={props.busy} onClick={() => props.onAct({ type: 'snooze', until: localDayAt9(7), label: 'next week' })}>Next week</button>
          <label htmlFor={`${ids}-date`} className="sr-only">Snooze until date</label>
          <input id={`${ids}-date`} type="date" value={date} min={localDayAt9(1).slice(0, 10)} onChange={(e) => setDate(e.target.value)} aria-invalid={dateError ? true : undefined} aria-describedby={dateError ? `${ids}-err` : undefined} />
          <button type="button" className="btn small" disabled={props.busy} onClick={snoozeToDate}>Snooze to date</button>
          {dateError && <p id={`${ids}-err`} className="error field-error">{dateError}</p>}
        </fieldset>
      )}
    </article>
  );
}

function ReplyComposer({ s, threadId, onSent }: { s: Suggestion; threadId: string; onSent?: () => void }) {
  const thread = useQuery({ queryKey: ['thread', threadId], queryFn: () => api.thread(threadId), staleTime: 60_000 });
  if (thread.isPending) return <p className="muted">Opening the thread…</p>;
  // Without the thread (deleted meanwhile) the server says so when sending.
  return <Composer contactId={s.contact.id} threadId={threadId} subject={thread.data?.subject ?? null} draft={s.draft?.trim() ?? ''} suggestionId={s.id} coach onSent={onSent} />;
}
