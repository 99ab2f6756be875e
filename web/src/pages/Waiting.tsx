/**
 * Waiting on you (SPEC §4.1): every open wait, oldest first. Nudged waits (they wrote again)
 * and contacts who mentioned a competitor are highlighted: answer those first.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, type OpenWait } from '../api';
import { Composer } from '../components/Composer';
import { businessDaySeconds, businessDuration, duration, formatDateTime, PageHeader, QueryState } from '../components/ui';

export default function Waiting() {
  const waiting = useQuery({ queryKey: ['waiting'], queryFn: api.waiting });
  const settings = useQuery({ queryKey: ['settings'], queryFn: api.settings });
  const dayS = businessDaySeconds(settings.data?.business_hours);
  const rows = useMemo(() => [...(waiting.data ?? [])].sort((a, b) => Date.parse(a.since) - Date.parse(b.since)), [waiting.data]);
  return (
    <div>
      <PageHeader title="Waiting on you">
        {rows.length > 0 && <span className="muted">{rows.length} open {rows.length === 1 ? 'wait' : 'waits'}, oldest first</span>}
      </PageHeader>
      <QueryState isPending={waiting.isPending} error={waiting.error} empty={rows.length === 0 ? <p>Nobody is waiting for a reply. Inbox zero, relationship edition.</p> : undefined}>
        <div className="card" style={{ padding: 0, overflowX: 'auto' }}>
          <table className="table">
            <caption className="sr-only">Open waits, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Subject</th>
                <th scope="col">Waiting</th>
                <th scope="col">Business time{dayS ? ` (days of ${dayS / 3600} h)` : ''}</th>
                <th scope="col">Signals</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((w) => <WaitRow key={`${w.thread_id}-${w.contact.id}`} w={w} dayS={dayS} />)}
            </tbody>
          </table>
        </div>
      </QueryState>
    </div>
  );
}

/** Whether the element has come into view once: thousands of waits must not mean thousands of requests at once. */
function useSeen<T extends Element>() {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || seen) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [seen]);
  return { ref, seen };
}

function WaitRow({ w, dayS }: { w: OpenWait; dayS: number | null }) {
  const { ref, seen } = useSeen<HTMLTableRowElement>();
  const [isReplying, setReplying] = useState(false);
  const health = useQuery({ queryKey: ['health', w.contact.id], queryFn: () => api.health(w.contact.id), staleTime: 60_000, enabled: seen });
  const mentions = health.data?.metrics.competitor_mentions_90d ?? 0;
  const isHot = w.nudges > 0 || mentions > 0;
  return (
    <>
    <tr ref={ref} className={isHot ? 'highlight-row' : undefined}>
      <td>
        <Link to={`/contacts/${w.contact.id}`}>{w.contact.name || w.contact.email}</Link>{' '}
        <button type="button" className="btn small" aria-expanded={isReplying} onClick={() => setReplying(!isReplying)} aria-label={`Reply to ${w.contact.name || w.contact.email}`}>
          Reply
        </button>
      </td>
      <td>{w.subject ?? <span className="muted">(no subject)</span>}</td>
      <td title={`since ${formatDateTime(w.since)}`}>{duration(w.wait_s)}</td>
      <td>{businessDuration(w.wait_business_s, dayS)}</td>
      <td>
        <div className="chips">
          {w.nudges > 0 && <span className="chip hl">nudged {w.nudges}×</span>}
          {mentions > 0 && <span className="chip hl">mentioned a competitor</span>}
        </div>
      </td>
    </tr>
    {isReplying && (
      <tr>
        <td colSpan={5}>
          <Composer contactId={w.contact.id} threadId={w.thread_id} subject={w.subject} onSent={() => setReplying(false)} />
        </td>
      </tr>
    )}
    </>
  );
}
