/**
 * A reply box with the draft coach beside it (SPEC §6): while you write, it says which
 * behaviours the draft shows and what is missing. "Log as sent" records the reply: when the
 * contact is waiting for one, as the done reply suggestion (filed in the waiting thread, so
 * the wait ends), else as an outbound email.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useId, useState } from 'react';
import { api } from '../../api';
import { errorText } from '../ui';

export function CoachPanel({ contactId, email }: { contactId: string; email: string | null }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  // The same query as the contact's suggestions: the best open reply is the wait to answer.
  const today = useQuery({ queryKey: ['today', 'contact', contactId], queryFn: () => api.todayFor(contactId) });
  const reply = today.data?.find((s) => s.kind === 'reply' && s.status === 'open');
  const log = useMutation({
    mutationFn: async (): Promise<unknown> =>
      reply ? api.completeSuggestion(reply.id, { note: text }) : api.logInteraction({ kind: 'email', contact_ids: [contactId], at: Date.now(), direction: 'out', text }),
    onSuccess: () => {
      setText('');
      for (const key of ['timeline', 'health', 'today', 'contacts', 'waiting']) void queryClient.invalidateQueries({ queryKey: [key] });
    },
  });
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Reply with the draft coach</h2>
      <div className="grid two" style={{ alignItems: 'start' }}>
        <div className="stack">
          <label htmlFor={`${id}-text`}>Your reply</label>
          <textarea id={`${id}-text`} value={text} onChange={(e) => setText(e.target.value)} placeholder="Hi! How did the launch go? …" />
          <div className="page-actions">
            <button type="button" className="btn primary" disabled={!text.trim() || log.isPending} onClick={() => log.mutate()}>Log as sent</button>
            {email && text.trim() && <a className="btn" href={`mailto:${encodeURIComponent(email)}?body=${encodeURIComponent(text)}`}>Open in mail app</a>}
          </div>
          {reply && <p className="muted" style={{ margin: 0 }}>Logged as your reply to the message {reply.contact.name} is waiting on.</p>}
          {log.error && <p className="error" role="alert">{errorText(log.error)}</p>}
        </div>
        <CoachAdvice contactId={contactId} text={text} />
      </div>
    </section>
  );
}

/** What the coach says of a draft to this contact, as it is written: the behaviours it shows and what is missing. */
export function CoachAdvice({ contactId, text }: { contactId: string; text: string }) {
  const deferred = useDeferredValue(text.trim());
  const coach = useQuery({ queryKey: ['coach', contactId, deferred], queryFn: () => api.coach(contactId, deferred), enabled: deferred.length > 3, staleTime: Infinity, retry: false });
  return (
    <div className="stack" aria-live="polite">
      <h3>Coach</h3>
      {deferred.length <= 3 && <p className="muted">Start writing: the coach shows which of the seven behaviours your reply practises.</p>}
      {coach.error && <p className="muted">The coach is unavailable: {errorText(coach.error)}</p>}
      {coach.data && (
        <>
          <div className="chips">{coach.data.shows.length ? coach.data.shows.map((b) => <span key={b} className="chip">✓ {b}</span>) : <span className="muted">No behaviour detected yet.</span>}</div>
          {coach.data.missing.length > 0 && <p style={{ margin: 0 }}>Missing: {coach.data.missing.join(', ')}</p>}
          {coach.data.advice.length > 0 && <ul style={{ margin: 0, paddingLeft: '1.1rem' }}>{coach.data.advice.map((t) => <li key={t}>{t}</li>)}</ul>}
        </>
      )}
    </div>
  );
}
