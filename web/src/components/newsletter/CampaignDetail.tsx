/**
 * One campaign: its preview (the HTML in a sandboxed frame that runs nothing, and the text
 * part), a test send, the send itself after a confirmation naming the recipients, and its
 * stats, polled while it sends.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { formatDateTime } from '../../format';
import { type Campaign, newsletterCampaignsApi, type SendStats } from '../../newsletter-api';
import { useSession } from '../AppLayout';
import { Field } from '../forms';
import { errorText } from '../ui';

/** The server's refusal in plain words, with how to fix the setting it names. */
function sendErrorText(error: unknown): string {
  const where = error instanceof ApiError && Array.isArray(error.problem.errors) ? (error.problem.errors as { where?: string }[]).map((e) => e.where) : [];
  if (where.includes('settings.public_url')) {
    return 'Set the address where people reach this Rapport first, so that the unsubscribe links work: run `rapport newsletter public-url https://crm.example.com` on the server.';
  }
  if (where.includes('smtp')) return 'Add a mail account first (Settings → Mail accounts): the newsletter is sent through its SMTP server.';
  return errorText(error);
}

export function CampaignDetail({ campaign, listName, canWrite, canSend }: { campaign: Campaign; listName: string; canWrite: boolean; canSend: boolean }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const preview = useQuery({ queryKey: ['newsletter-preview', campaign.id], queryFn: () => newsletterCampaignsApi.preview(campaign.id) });
  const stats = useQuery({
    queryKey: ['newsletter-stats', campaign.id],
    queryFn: () => newsletterCampaignsApi.stats(campaign.id),
    // Progress while sending; nothing to poll once done.
    refetchInterval: (q) => (q.state.data?.status === 'sending' ? 1000 : false),
  });
  // The list shows each campaign's status: refresh it when the send moves it on.
  const liveStatus = stats.data?.status;
  useEffect(() => {
    if (liveStatus && liveStatus !== campaign.status) queryClient.invalidateQueries({ queryKey: ['newsletter-campaigns'] });
  }, [liveStatus, campaign.status, queryClient]);
  const [to, setTo] = useState(session.data?.user.email ?? '');
  const [confirming, setConfirming] = useState(false);
  const testSend = useMutation({ mutationFn: () => newsletterCampaignsApi.testSend(campaign.id, to) });
  const send = useMutation({
    mutationFn: () => newsletterCampaignsApi.send(campaign.id),
    onSuccess: (s) => {
      setConfirming(false);
      queryClient.setQueryData(['newsletter-stats', campaign.id], s);
      queryClient.invalidateQueries({ queryKey: ['newsletter-campaigns'] });
    },
  });
  const recipients = preview.data?.recipients ?? 0;
  const isDraft = campaign.status === 'draft' || campaign.status === 'scheduled';
  return (
    <article className="stack" aria-labelledby="campaign-h" data-testid="campaign">
      <h3 id="campaign-h" style={{ margin: 0 }}>{campaign.subject}</h3>
      <p className="muted" style={{ margin: 0 }}>
        List {listName} · {campaign.status} · created {formatDateTime(campaign.created_at)}
        {campaign.scheduled_at ? ` · scheduled ${formatDateTime(campaign.scheduled_at)}` : ''}
      </p>
      {preview.error && <p className="error" role="alert">{sendErrorText(preview.error)}</p>}
      {preview.data && (
        <section className="stack" aria-labelledby="preview-h">
          <h4 id="preview-h" style={{ margin: 0 }}>Preview for {preview.data.to}</h4>
          <p style={{ margin: 0 }}>Subject: {preview.data.subject}</p>
          <iframe title="HTML preview" sandbox="" srcDoc={preview.data.html} style={{ width: '100%', height: '24rem', border: '1px solid var(--border, #ccc)', background: '#fff' }} />
          <details>
            <summary>Text part</summary>
            <pre data-testid="preview-text" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{preview.data.text}</pre>
          </details>
        </section>
      )}
      {canWrite && isDraft && (
        <form
          className="stack"
          aria-label="Test send"
          onSubmit={(e) => {
            e.preventDefault();
            testSend.mutate();
          }}
        >
          <Field label="Send a test to" error={testSend.error ? sendErrorText(testSend.error) : undefined}>
            {(p) => <input {...p} type="email" value={to} onChange={(e) => setTo(e.target.value)} required />}
          </Field>
          {testSend.data && <p role="status">Test sent to {testSend.data.to}.</p>}
          <div>
            <button type="submit" className="btn" disabled={testSend.isPending}>{testSend.isPending ? 'Sending test…' : 'Send test'}</button>
          </div>
        </form>
      )}
      {canSend && isDraft && preview.data && (
        <div className="stack">
          {!confirming ? (
            <div>
              <button type="button" className="btn primary" onClick={() => setConfirming(true)} disabled={recipients === 0}>Send…</button>
              {recipients === 0 && <span className="muted"> No confirmed subscriber in this list and segment.</span>}
            </div>
          ) : (
            <div role="group" aria-labelledby="confirm-send" className="stack">
              <p id="confirm-send" style={{ margin: 0 }}>
                Send “{campaign.subject}” now to {recipients} {recipients === 1 ? 'recipient' : 'recipients'}? Each gets it once; this cannot be undone.
              </p>
              <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
                <button type="button" className="btn primary" onClick={() => send.mutate()} disabled={send.isPending}>{send.isPending ? 'Starting…' : `Send to ${recipients}`}</button>
                <button type="button" className="btn" onClick={() => setConfirming(false)}>Cancel</button>
              </div>
            </div>
          )}
          {send.error && <p className="error" role="alert">{sendErrorText(send.error)}</p>}
        </div>
      )}
      {stats.data && stats.data.total > 0 && <StatsView stats={stats.data} />}
    </article>
  );
}

function StatsView({ stats }: { stats: SendStats }) {
  const done = stats.sent + stats.failed + stats.uncertain + stats.skipped;
  const rows: [string, number][] = [
    ['Recipients', stats.total],
    ['Sent', stats.sent],
    ['Failed', stats.failed],
    ['Uncertain', stats.uncertain],
    ['Skipped', stats.skipped],
    ['Opened', stats.opened],
    ['Clicked', stats.clicked],
    ['Unsubscribed', stats.unsubscribed],
    ['Bounced', stats.bounced],
    ['Complained', stats.complained],
  ];
  return (
    <section className="stack" aria-labelledby="stats-h">
      <h4 id="stats-h" style={{ margin: 0 }}>Stats</h4>
      {stats.status === 'sending' && (
        <label>
          Sending: {done} of {stats.total} <progress value={done} max={stats.total} />
        </label>
      )}
      <dl className="stats" data-testid="campaign-stats" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(7rem, 1fr))', gap: '0.5rem', margin: 0 }}>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt className="muted">{label}</dt>
            <dd style={{ margin: 0, fontWeight: 600 }}>{value}</dd>
          </div>
        ))}
      </dl>
      {stats.uncertain > 0 && <p className="muted">Uncertain: the mail server may or may not have taken these; they are never resent on their own (`rapport newsletter campaign release`).</p>}
      {stats.finished_at && <p className="muted" style={{ margin: 0 }}>Finished {formatDateTime(stats.finished_at)}.</p>}
    </section>
  );
}
