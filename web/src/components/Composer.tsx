/**
 * Writing to a contact from Rapport: Markdown, sent from the workspace's mail account. A reply
 * in a thread gets its reply headers and "Re:" subject on the server; once sent, the wait it
 * answers is gone from Waiting and Today at once. Sent for one of Today's suggestions, the
 * suggestion is marked done with it; with `coach`, the draft coach reads along beside the text.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { CoachAdvice } from './contact/CoachPanel';
import { Field } from './forms';
import { errorText } from './ui';

export function Composer(props: { contactId: string; threadId?: string; subject?: string | null; draft?: string; suggestionId?: string; coach?: boolean; onSent?: () => void }) {
  const { contactId, threadId, subject, draft = '', suggestionId, onSent } = props;
  const queryClient = useQueryClient();
  const [body, setBody] = useState(draft);
  // A reply is prefilled with the thread's subject as "Re: …", as the server would make it.
  const reSubject = subject ? (/^re:/i.test(subject) ? subject : `Re: ${subject}`) : '';
  const [title, setTitle] = useState(threadId ? reSubject : (subject ?? ''));
  const send = useMutation({
    mutationFn: () => api.sendMessage({ contact: contactId, body, subject: title || undefined, reply_to_thread: threadId, suggestion: suggestionId }),
    onSuccess: () => {
      setBody('');
      for (const key of ['waiting', 'today', 'timeline', 'health']) void queryClient.invalidateQueries({ queryKey: [key] });
      onSent?.();
    },
  });
  const form = (
    <form
      className="form"
      aria-label={threadId ? `Reply to ${subject ?? 'the thread'}` : 'Write a message'}
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim()) send.mutate();
      }}
    >
      <Field label="Subject" hint={threadId ? `default: ${reSubject || 'the thread\'s, as Re: …'}` : undefined}>
        {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} placeholder={threadId ? reSubject : ''} />}
      </Field>
      <Field label="Message (Markdown)">{(p) => <textarea {...p} rows={6} value={body} onChange={(e) => setBody(e.target.value)} />}</Field>
      <div><button className="btn" type="submit" disabled={send.isPending || !body.trim()}>{send.isPending ? 'Sending…' : 'Send'}</button></div>
      {send.error && <p className="error" role="alert">{errorText(send.error)}</p>}
      {send.data && <p role="status">Sent to {send.data.to}{send.data.appended_to_sent ? ', a copy is in Sent' : ''}.</p>}
    </form>
  );
  if (!props.coach) return form;
  return (
    <div className="grid two" style={{ alignItems: 'start' }}>
      {form}
      <CoachAdvice contactId={contactId} text={body} />
    </div>
  );
}
