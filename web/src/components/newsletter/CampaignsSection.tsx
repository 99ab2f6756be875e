/**
 * Campaigns on the Newsletter page: the campaigns with their status, a page at a time with
 * the total ("Load more"; a missed one says so), a form that
 * writes a draft (subject, preheader and Markdown, or a whole issue with front matter) for a
 * list and a segment, and the chosen campaign's preview, test send, send and stats.
 */
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CONTACT_KINDS, STAGES, STATUSES } from '../../../../src/contacts/contacts.schema.js';
import { formatDateTime } from '../../format';
import { newsletterCampaignsApi, type NewsletterList, type Segment } from '../../newsletter-api';
import { Field } from '../forms';
import { errorText, QueryState } from '../ui';
import { CampaignDetail } from './CampaignDetail';
import { MoreRows } from './MoreRows';

export function CampaignsSection({ canWrite, canSend, lists }: { canWrite: boolean; canSend: boolean; lists: NewsletterList[] }) {
  const campaigns = useInfiniteQuery({
    queryKey: ['newsletter-campaigns'],
    queryFn: ({ pageParam }) => newsletterCampaignsApi.campaigns(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  const [openId, setOpenId] = useState<string | null>(null);
  const listName = (id: string) => lists.find((l) => l.id === id)?.name ?? id;
  const shown = campaigns.data?.pages.flatMap((p) => p.items) ?? [];
  const total = campaigns.data?.pages.at(-1)?.total ?? 0;
  const open = shown.find((c) => c.id === openId) ?? null;
  return (
    <section className="card stack" aria-labelledby="campaigns-h">
      <h2 id="campaigns-h">Campaigns</h2>
      <QueryState isPending={campaigns.isPending} error={campaigns.error} empty={shown.length === 0 ? 'No campaign yet.' : undefined}>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region needs keyboard focus (WCAG 2.1.1) */}
        <div style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label="All campaigns">
          <table className="table" data-testid="campaigns">
            <caption className="sr-only">Campaigns, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">List</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <button type="button" className="btn ghost small" aria-pressed={c.id === openId} onClick={() => setOpenId(c.id)}>{c.subject}</button>
                  </th>
                  <td>{listName(c.list_id)}</td>
                  <td>{c.status === 'missed' ? <strong>missed</strong> : c.status}</td>
                  <td>{formatDateTime(c.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <MoreRows shown={shown.length} total={total} noun="campaigns" hasMore={campaigns.hasNextPage} loading={campaigns.isFetchingNextPage} onMore={() => campaigns.fetchNextPage()} />
      </QueryState>
      {open && <CampaignDetail key={open.id} campaign={open} listName={listName(open.list_id)} canWrite={canWrite} canSend={canSend} />}
      {canWrite && lists.length > 0 && <NewCampaign lists={lists} onCreated={setOpenId} />}
    </section>
  );
}

/** Front matter for the subject and preheader typed in the form; JSON strings are valid YAML. */
function issueMarkdown(subject: string, preheader: string, body: string): string {
  if (!subject.trim()) return body;
  const lines = [`subject: ${JSON.stringify(subject.trim())}`, ...(preheader.trim() ? [`preheader: ${JSON.stringify(preheader.trim())}`] : [])];
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

function segmentOf(s: { tags: string; stage: string; kind: string; status: string; engaged: string }): Segment | null {
  const tags = s.tags.split(',').map((t) => t.trim()).filter(Boolean);
  const segment = {
    ...(tags.length > 0 ? { tags } : {}),
    ...(s.stage ? { stage: s.stage as Segment['stage'] } : {}),
    ...(s.kind ? { kind: s.kind as Segment['kind'] } : {}),
    ...(s.status ? { status: s.status as Segment['status'] } : {}),
    ...(s.engaged ? { engaged_days: Number(s.engaged) } : {}),
  } satisfies Segment;
  return Object.keys(segment).length > 0 ? segment : null;
}

function NewCampaign({ lists, onCreated }: { lists: NewsletterList[]; onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [list, setList] = useState('');
  const [subject, setSubject] = useState('');
  const [preheader, setPreheader] = useState('');
  const [body, setBody] = useState('');
  const [tracking, setTracking] = useState(true);
  const [seg, setSeg] = useState({ tags: '', stage: '', kind: '', status: '', engaged: '' });
  const create = useMutation({
    mutationFn: () => newsletterCampaignsApi.create({ list: list || (lists[0]?.id ?? ''), markdown: issueMarkdown(subject, preheader, body), segment: segmentOf(seg), tracking }),
    onSuccess: (c) => {
      setSubject('');
      setPreheader('');
      setBody('');
      queryClient.invalidateQueries({ queryKey: ['newsletter-campaigns'] });
      onCreated(c.id);
    },
  });
  const option = (values: readonly string[]) => [<option key="" value="">any</option>, ...values.map((v) => <option key={v} value={v}>{v.replace('_', ' ')}</option>)];
  return (
    <form
      className="stack"
      aria-labelledby="new-campaign-h"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3 id="new-campaign-h" style={{ margin: 0 }}>New campaign</h3>
      <Field label="To list">
        {(p) => (
          <select {...p} value={list || lists[0]?.id} onChange={(e) => setList(e.target.value)}>
            {lists.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        )}
      </Field>
      <div className="grid two">
        <Field label="Subject" hint="Leave empty when the body starts with front matter (subject, preheader).">{(p) => <input {...p} value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={300} />}</Field>
        <Field label="Preheader">{(p) => <input {...p} value={preheader} onChange={(e) => setPreheader(e.target.value)} maxLength={300} />}</Field>
      </div>
      <Field label="Body (Markdown)" hint="Merge fields such as {{first_name|there}} are filled in per subscriber.">
        {(p) => <textarea {...p} rows={8} value={body} onChange={(e) => setBody(e.target.value)} required />}
      </Field>
      <fieldset className="stack">
        <legend>Segment: only subscribers who…</legend>
        <div className="grid two">
          <Field label="Have the tags" hint="Comma-separated; every one must match.">{(p) => <input {...p} value={seg.tags} onChange={(e) => setSeg({ ...seg, tags: e.target.value })} />}</Field>
          <Field label="Stage">{(p) => <select {...p} value={seg.stage} onChange={(e) => setSeg({ ...seg, stage: e.target.value })}>{option(STAGES)}</select>}</Field>
          <Field label="Kind">{(p) => <select {...p} value={seg.kind} onChange={(e) => setSeg({ ...seg, kind: e.target.value })}>{option(CONTACT_KINDS)}</select>}</Field>
          <Field label="Health status">{(p) => <select {...p} value={seg.status} onChange={(e) => setSeg({ ...seg, status: e.target.value })}>{option(STATUSES)}</select>}</Field>
          <Field label="Opened or clicked within (days)">{(p) => <input {...p} type="number" min={1} max={3650} value={seg.engaged} onChange={(e) => setSeg({ ...seg, engaged: e.target.value })} />}</Field>
        </div>
      </fieldset>
      <label>
        <input type="checkbox" checked={tracking} onChange={(e) => setTracking(e.target.checked)} /> Count opens and clicks
      </label>
      {create.error && <p className="error" role="alert">{errorText(create.error)}</p>}
      <div>
        <button type="submit" className="btn" disabled={create.isPending}>{create.isPending ? 'Saving…' : 'Save draft'}</button>
      </div>
    </form>
  );
}
