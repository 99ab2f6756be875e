/**
 * Waiting on you: every open wait, oldest first, with the contact's health (in the same
 * answer, never a request per row); the oldest hundred are drawn
 * from a small first answer while the whole list loads. Nudged waits
 * (they wrote again) and threads that named a competitor are highlighted: answer those first.
 * The rows are virtualised, so thousands of waits draw and scroll like a few; each row can be
 * answered from here, by mail or logged as sent from your own mail client.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, type WaitingRow } from '../api';
import { Composer } from '../components/Composer';
import { HealthBadge } from '../components/HealthBadge';
import { errorText, PageHeader, QueryState } from '../components/ui';
import { businessDaySeconds, businessDuration, duration, formatDateTime } from '../format';
import { waitingHeadQuery } from '../page-queries';

const keyOf = (w: WaitingRow) => `${w.thread_id}-${w.contact.id}`;

export default function Waiting() {
  const head = useQuery(waitingHeadQuery());
  // Asked once the head is in: on one server the two would otherwise queue behind each other.
  const waiting = useQuery({ queryKey: ['waiting', 'all'], queryFn: api.waiting, enabled: head.isSuccess || head.isError });
  const settings = useQuery({ queryKey: ['settings'], queryFn: api.settings });
  const dayS = businessDaySeconds(settings.data?.business_hours);
  const shown = waiting.data ?? head.data?.items;
  const rows = useMemo(() => [...(shown ?? [])].sort((a, b) => Date.parse(a.since) - Date.parse(b.since)), [shown]);
  const total = waiting.data?.length ?? head.data?.total ?? 0;
  return (
    <div>
      <PageHeader title="Waiting on you">
        {total > 0 && <span className="muted">{total} open {total === 1 ? 'wait' : 'waits'}, oldest first</span>}
      </PageHeader>
      <QueryState isPending={shown === undefined && !waiting.error} error={waiting.error} empty={rows.length === 0 ? <p>Nobody is waiting for a reply. Inbox zero, relationship edition.</p> : undefined}>
        <div className="vtable wait-table" role="table" aria-label="Open waits, oldest first" aria-rowcount={total + 1}>
          <div className="vhead" role="row" aria-rowindex={1}>
            <span role="columnheader">Contact</span>
            <span role="columnheader">Subject</span>
            <span role="columnheader">Waiting</span>
            <span role="columnheader">Business time{dayS ? ` (days of ${dayS / 3600} h)` : ''}</span>
            <span role="columnheader">Signals</span>
          </div>
          <WaitRows rows={rows} dayS={dayS} />
        </div>
      </QueryState>
    </div>
  );
}

function WaitRows({ rows, dayS }: { rows: WaitingRow[]; dayS: number | null }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [replying, setReplying] = useState<string | null>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 56,
    overscan: 8,
    getItemKey: (i) => (rows[i] ? keyOf(rows[i]) : i),
  });
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable by keyboard to scroll it.
    <div ref={scrollRef} className="vscroll" tabIndex={0} role="rowgroup" aria-label="Open wait rows" data-testid="wait-scroll">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const w = rows[v.index];
          if (!w) return null;
          const key = keyOf(w);
          return (
            <div key={key} ref={virtualizer.measureElement} data-index={v.index} className="wait-item" style={{ transform: `translateY(${v.start}px)` }}>
              <WaitRow w={w} dayS={dayS} index={v.index} isReplying={replying === key} onToggle={() => setReplying(replying === key ? null : key)} onDone={() => setReplying(null)} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

function WaitRow(props: { w: WaitingRow; dayS: number | null; index: number; isReplying: boolean; onToggle: () => void; onDone: () => void }) {
  const { w, dayS, isReplying } = props;
  const who = w.contact.name || w.contact.email || w.contact.id;
  const isHot = w.nudges > 0 || w.competitors.length > 0;
  return (
    <>
      <div className={`vrow${isHot ? ' highlight-row' : ''}`} role="row" aria-rowindex={props.index + 2} data-thread={w.thread_id}>
        <span role="cell" className="cell">
          <Link to={`/contacts/${w.contact.id}`}>{who}</Link>{' '}
          <HealthBadge status={w.health?.status} score={w.health?.score} slipping={w.health?.slipping} />{' '}
          <button type="button" className="btn small" aria-expanded={isReplying} onClick={props.onToggle} aria-label={`Reply to ${who}`}>
            Reply
          </button>
        </span>
        <span role="cell" className="cell">{w.subject ?? <span className="muted">(no subject)</span>}</span>
        <span role="cell" className="cell" title={`since ${formatDateTime(w.since)}`}>{duration(w.wait_s)}</span>
        <span role="cell" className="cell">{businessDuration(w.wait_business_s, dayS)}</span>
        <span role="cell" className="cell">
          <span className="chips">
            {w.nudges > 0 && <span className="chip hl">nudged {w.nudges}×</span>}
            {w.competitors.length > 0 && <span className="chip hl">mentioned {w.competitors.join(', ')}</span>}
          </span>
        </span>
      </div>
      {isReplying && (
        <div className="wait-reply" role="row">
          <div role="cell" className="wait-reply-cell">
            <Composer contactId={w.contact.id} threadId={w.thread_id} subject={w.subject} onSent={props.onDone} />
            <LogAsSent w={w} who={who} onDone={props.onDone} />
          </div>
        </div>
      )}
    </>
  );
}

/** A reply written in your own mail client: filed in the thread, so the wait ends here too. */
function LogAsSent({ w, who, onDone }: { w: WaitingRow; who: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const log = useMutation({
    mutationFn: () => api.logInteraction({ kind: 'email', direction: 'out', contact_ids: [w.contact.id], reply_to_thread: w.thread_id }),
    onSuccess: () => {
      for (const key of ['waiting', 'today', 'timeline', 'health']) void queryClient.invalidateQueries({ queryKey: [key] });
      onDone();
    },
  });
  return (
    <p className="log-as-sent">
      <span className="muted">Replied from your own mail?</span>{' '}
      <button type="button" className="btn small" disabled={log.isPending} onClick={() => log.mutate()} aria-label={`Log a reply to ${who} as sent`}>
        Log as sent
      </button>
      {log.error && <span className="error" role="alert"> {errorText(log.error)}</span>}
    </p>
  );
}
