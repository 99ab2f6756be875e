/**
 * Writing to a contact from Rapport: Markdown, sent from the workspace's mail account. A reply
 * in a thread gets its reply headers and "Re:" subject on the server; once sent, the wait it
 * answers is gone from Waiting and Today at once.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { Field } from './forms';
import { errorText } from './ui';

export function Composer({ contactId, threadId, subject, draft = '', onSent }: { contactId: string; threadId?: string; subject?: string | null; draft?: string; onSent?: () => void }) {
  const queryClient = useQueryClient();
  const [body, setBody] = useState(draft);
  const [title, setTitle] = useState(threadId ? '' : (subject ?? ''));
  const send = useMutation({
    mutationFn: () => api.sendMessage({ contact: contactId, body, subject: title || undefined, reply_to_thread: threadId }),
    onSuccess: () => {
      setBody('');
      for (const key of ['waiting', 'today', 'timeline', 'health']) void queryClient.invalidateQueries({ queryKey: [key] });
      onSent?.();
    },
  });
  return (
    <form
      className="form"
      aria-label={threadId ? `Reply to ${subject ?? 'the thread'}` : 'Write a message'}
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim()) send.mutate();
      }}
    >
      <Field label="Subject" hint={threadId ? `default: Re: ${subject ?? ''}` : undefined}>
        {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} placeholder={threadId ? `Re: ${subject ?? ''}` : ''} />}
      </Field>
      <Field label="Message (Markdown)">{(p) => <textarea {...p} rows={6} value={body} onChange={(e) => setBody(e.target.value)} />}</Field>
      <div><button className="btn" type="submit" disabled={send.isPending || !body.trim()}>{send.isPending ? 'Sending…' : 'Send'}</button></div>
      {send.error && <p className="error" role="alert">{errorText(send.error)}</p>}
      {send.data && <p role="status">Sent to {send.data.to}{send.data.appended_to_sent ? ', a copy is in Sent' : ''}.</p>}
    </form>
  );
}
