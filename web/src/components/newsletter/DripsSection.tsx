/**
 * Drip sequences: each drip with its steps and counts, a form to start one on a list and a
 * form to append a step (Markdown with subject front matter, sent N days after confirming).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { newsletterGrowApi, type Drip } from '../../newsletter-api';
import { Field } from '../forms';
import { errorText, QueryState } from '../ui';

const STEP_TEMPLATE = '---\nsubject: Welcome aboard\n---\nHello {{first_name|there}},\n\n';

export function DripsSection({ canWrite, lists }: { canWrite: boolean; lists: string[] }) {
  const queryClient = useQueryClient();
  const drips = useQuery({ queryKey: ['newsletter-drips'], queryFn: newsletterGrowApi.drips });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['newsletter-drips'] });
  return (
    <section className="card stack" aria-labelledby="drips-h">
      <h2 id="drips-h">Drips</h2>
      <p className="muted">
        Messages sent a number of days after someone confirms. A drip stops for a subscriber who replies, becomes a client or unsubscribes; it enrolls those who confirm after it was created.
      </p>
      <QueryState isPending={drips.isPending} error={drips.error} empty={drips.data?.length === 0 ? 'No drip yet.' : undefined}>
        <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {drips.data?.map((d) => <DripItem key={d.id} drip={d} canWrite={canWrite} onChanged={refresh} />)}
        </ul>
      </QueryState>
      {canWrite && <NewDrip lists={lists} onCreated={refresh} />}
    </section>
  );
}

function DripItem({ drip, canWrite, onChanged }: { drip: Drip; canWrite: boolean; onChanged: () => void }) {
  const [after, setAfter] = useState(String((drip.steps.at(-1)?.after_days ?? -1) + 1));
  const [markdown, setMarkdown] = useState(STEP_TEMPLATE);
  const add = useMutation({
    mutationFn: () => newsletterGrowApi.addDripStep(drip.id, { after_days: Number(after), markdown }),
    onSuccess: () => {
      setAfter(String(Number(after) + 1));
      setMarkdown(STEP_TEMPLATE);
      onChanged();
    },
  });
  return (
    <li className="stack" style={{ gap: '0.4rem' }} data-testid="drip">
      <h3 style={{ margin: 0 }}>
        {drip.name} <span className="muted" style={{ fontWeight: 400, fontSize: '0.9rem' }}>· list {drip.list} · {drip.active_enrollments} running, {drip.enrolled} enrolled, {drip.sent} sent</span>
      </h3>
      {drip.steps.length === 0 ? (
        <p className="muted">No step yet.</p>
      ) : (
        <ol style={{ margin: 0 }}>
          {drip.steps.map((s) => <li key={s.position}>Day {s.after_days}: {s.subject}</li>)}
        </ol>
      )}
      {canWrite && (
        <details>
          <summary>Add a step</summary>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              add.mutate();
            }}
          >
            <Field label="Days after confirming">{(p) => <input {...p} type="number" min={0} value={after} onChange={(e) => setAfter(e.target.value)} required />}</Field>
            <Field label="Message (Markdown with a subject in front matter)">{(p) => <textarea {...p} rows={6} value={markdown} onChange={(e) => setMarkdown(e.target.value)} required />}</Field>
            {add.error && <p className="error" role="alert">{errorText(add.error)}</p>}
            <div>
              <button type="submit" className="btn primary" disabled={add.isPending}>{add.isPending ? 'Adding…' : 'Add step'}</button>
            </div>
          </form>
        </details>
      )}
    </li>
  );
}

function NewDrip({ lists, onCreated }: { lists: string[]; onCreated: () => void }) {
  const [list, setList] = useState('');
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => newsletterGrowApi.createDrip({ list: list || lists[0] || '', name }),
    onSuccess: () => {
      setName('');
      onCreated();
    },
  });
  if (lists.length === 0) return <p className="muted">Create a list first to start a drip on it.</p>;
  return (
    <form
      className="stack"
      aria-label="New drip"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <div className="grid two">
        <Field label="List">
          {(p) => (
            <select {...p} value={list || lists[0]} onChange={(e) => setList(e.target.value)}>
              {lists.map((l) => <option key={l} value={l}>{l}</option>)}
            </select>
          )}
        </Field>
        <Field label="Drip name">{(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}</Field>
      </div>
      {create.error && <p className="error" role="alert">{errorText(create.error)}</p>}
      <div>
        <button type="submit" className="btn" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create drip'}</button>
      </div>
    </form>
  );
}
