/**
 * One contact: profile, health with every factor explained, trend and attention charts,
 * give/ask ledger, facts and commitments, suggestions, the draft coach and the timeline.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, type Contact } from '../api';
import { AttentionPanel, LedgerPanel } from '../components/contact/AttentionPanel';
import { CoachPanel } from '../components/contact/CoachPanel';
import { ContactForm } from '../components/ContactForm';
import { CommitmentsPanel } from '../components/contact/CommitmentsPanel';
import { LogPanel } from '../components/contact/LogPanel';
import { FactsPanel } from '../components/contact/FactsPanel';
import { HealthPanel } from '../components/contact/HealthPanel';
import { HealthTrend } from '../components/contact/HealthTrend';
import { Timeline } from '../components/contact/Timeline';
import { Composer } from '../components/Composer';
import { type CardAction, SuggestionCard } from '../components/SuggestionCard';
import { PageHeader, QueryState } from '../components/ui';
import { formatDate } from '../format';

export default function ContactPage() {
  const { id = '' } = useParams();
  const contact = useQuery({ queryKey: ['contact', id], queryFn: () => api.contact(id) });
  const health = useQuery({ queryKey: ['health', id], queryFn: () => api.health(id) });
  const timeline = useQuery({ queryKey: ['timeline', id], queryFn: () => api.timeline(id) });
  const [editing, setEditing] = useState(false);
  return (
    <QueryState isPending={contact.isPending} error={contact.error}>
      {contact.data && (
        <div className="stack" style={{ gap: '1rem' }}>
          <PageHeader title={contact.data.name}>
            <button type="button" className="btn small" onClick={() => setEditing(!editing)} aria-expanded={editing}>Edit contact</button>
          </PageHeader>
          {editing && <ContactForm contact={contact.data} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />}
          <div className="grid two">
            <Profile c={contact.data} />
            {health.data ? <HealthPanel health={health.data} /> : <QueryState isPending={health.isPending} error={health.error}>{null}</QueryState>}
          </div>
          <ContactSuggestions contactId={id} />
          <div className="grid two">
            <LogPanel contactId={id} />
            <CommitmentsPanel contactId={id} />
          </div>
          <div className="grid two">
            <section className="card stack" aria-labelledby="trend-h">
              <h2 id="trend-h">Health trend</h2>
              <HealthTrend contactId={id} />
            </section>
            {health.data && <AttentionPanel health={health.data} timeline={timeline.data ?? []} />}
          </div>
          <div className="grid two">
            {health.data && <LedgerPanel health={health.data} />}
            <FactsPanel contactId={id} />
          </div>
          <CoachPanel contactId={id} email={contact.data.email} />
          {contact.data.email && (
            <section className="card" aria-labelledby="write-h">
              <h2 id="write-h">Write to {contact.data.name}</h2>
              <Composer contactId={id} />
            </section>
          )}
          <section className="card" aria-labelledby="timeline-h">
            <h2 id="timeline-h">Timeline</h2>
            <QueryState isPending={timeline.isPending} error={timeline.error}>
              <Timeline items={timeline.data ?? []} />
            </QueryState>
          </section>
        </div>
      )}
    </QueryState>
  );
}

function Profile({ c }: { c: Contact }) {
  return (
    <section className="card stack" aria-labelledby="profile-h">
      <h2 id="profile-h">Profile</h2>
      <dl className="kv">
        <dt>Email</dt>
        <dd>{c.emails.length ? c.emails.join(', ') : '—'}</dd>
        {c.phones.length > 0 && (<><dt>Phone</dt><dd>{c.phones.join(', ')}</dd></>)}
        <dt>Company</dt>
        <dd>{c.company ?? '—'}</dd>
        <dt>Kind</dt>
        <dd>{c.kind}</dd>
        <dt>Stage</dt>
        <dd>{c.stage}</dd>
        <dt>Client since</dt>
        <dd>{formatDate(c.client_since)}</dd>
        <dt>Keep in touch</dt>
        <dd>{c.keep_in_touch_days ? `every ${c.keep_in_touch_days} days` : 'automatic'}</dd>
        <dt>Tags</dt>
        <dd>{c.tags.length ? <span className="chips">{c.tags.map((t) => <span key={t} className="chip">{t}</span>)}</span> : '—'}</dd>
      </dl>
      {c.notes && <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.notes}</p>}
    </section>
  );
}

function ContactSuggestions({ contactId }: { contactId: string }) {
  const queryClient = useQueryClient();
  const today = useQuery({ queryKey: ['today', 'contact', contactId], queryFn: () => api.todayFor(contactId) });
  const act = useMutation({
    mutationFn: ({ sid, action }: { sid: string; action: CardAction }) => api.actOnSuggestion(sid, action.type, action.type === 'snooze' ? action.until : undefined),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['today'] }),
  });
  const items = (today.data ?? []).filter((s) => s.status === 'open');
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="sugg-h" className="stack">
      <h2 id="sugg-h">Next best actions</h2>
      {items.map((s, i) => <SuggestionCard key={s.id} s={s} index={i} isSelected={false} busy={act.isPending} onFocus={() => undefined} onAct={(action) => act.mutate({ sid: s.id, action })} />)}
    </section>
  );
}
