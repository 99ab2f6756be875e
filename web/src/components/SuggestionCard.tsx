/** One next best action: who, why, its draft (copy or open in the mail app) and the three actions. */
import { useState } from 'react';
import { Link } from 'react-router';
import type { Suggestion } from '../api';
import { formatDate } from './ui';

const KIND_LABELS: Record<string, string> = {
  reply: 'Reply',
  keep_promise: 'Keep a promise',
  reconnect: 'Reconnect',
  share_knowledge: 'Share knowledge',
  surprise: 'Surprise',
  compliment: 'Compliment',
  check_in: 'Check in',
};

export function SuggestionCard(props: { s: Suggestion; index: number; isSelected: boolean; busy: boolean; onFocus: () => void; onAct: (a: 'done' | 'snooze' | 'dismiss') => void }) {
  const { s } = props;
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!s.draft) return;
    await navigator.clipboard?.writeText(s.draft).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  const mailto = s.contact.email && s.draft ? `mailto:${encodeURIComponent(s.contact.email)}?body=${encodeURIComponent(s.draft)}` : null;
  const who = s.contact.name || s.contact.email || 'contact';
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the card is the j/k focus target of Today's keyboard shortcuts.
    <article className="card suggestion" tabIndex={0} data-index={props.index} aria-current={props.isSelected ? 'true' : undefined} onFocus={props.onFocus} aria-label={`${KIND_LABELS[s.kind] ?? s.kind}: ${who}`}>
      <div className="stack" style={{ gap: '0.25rem' }}>
        <div className="chips">
          <span className="chip">{KIND_LABELS[s.kind] ?? s.kind}</span>
          <span className="chip">priority {s.priority}</span>
          {s.due && <span className="chip">due {formatDate(s.due)}</span>}
        </div>
        <h3 style={{ margin: 0 }}>
          <Link to={`/contacts/${s.contact.id}`}>{who}</Link>
        </h3>
        <p style={{ margin: 0 }}>{s.reason}</p>
      </div>
      <div className="actions">
        <button type="button" className="btn small primary" disabled={props.busy} onClick={() => props.onAct('done')} aria-label={`Done: ${who}`}>Done</button>
        <button type="button" className="btn small" disabled={props.busy} onClick={() => props.onAct('snooze')} aria-label={`Snooze until tomorrow: ${who}`}>Snooze</button>
        <button type="button" className="btn small ghost" disabled={props.busy} onClick={() => props.onAct('dismiss')} aria-label={`Dismiss: ${who}`}>Dismiss</button>
      </div>
      {s.draft && (
        <div className="draft">
          <p style={{ margin: '0 0 0.5rem' }}>{s.draft}</p>
          <div className="page-actions">
            <button type="button" className="btn small" onClick={copy}>{copied ? 'Copied' : 'Copy draft'}</button>
            {mailto && <a className="btn small" href={mailto}>Send from mail app</a>}
          </div>
        </div>
      )}
    </article>
  );
}
