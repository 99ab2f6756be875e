/**
 * One campaign: its preview (a page of its own in a sandboxed frame: https images show, nothing
 * runs; and the text part), its schedule in the workspace's zone, a test send, the send itself
 * (mail account and rate) after a confirmation naming the recipients, and its stats, polled
 * while it sends. A missed campaign says why and offers to send now or reschedule; uncertain
 * recipients are listed with what the send saw, to resend or record as sent.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError } from '../../api';
import { formatDateTime, workspaceZone } from '../../format';
import { type Campaign, type CampaignStats, newsletterCampaignsApi } from '../../newsletter-api';
import { useSession } from '../AppLayout';
import { Field } from '../forms';
import { errorText } from '../ui';

/** The server's refusal in plain words, with where to fix the setting it names. */
function sendErrorText(error: unknown): ReactNode {
  const where = error instanceof ApiError && Array.isArray(error.problem.errors) ? (error.problem.errors as { where?: string }[]).map((e) => e.where) : [];
  if (where.includes('settings.public_url')) {
    return (
      <>
        Set the address where people reach this Rapport first, so that the unsubscribe links work: <Link to="/settings#public-url">Settings → Public address</Link>.
      </>
    );
  }
  if (where.includes('smtp')) return 'Add a mail account first (Settings → Mail accounts): the newsletter is sent through its SMTP server.';
  return errorText(error);
}

/** An instant as the value of a datetime-local input, in the workspace's zone. */
function localInputValue(iso: string, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const UNSENT: readonly string[] = ['draft', 'scheduled', 'missed'];

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
  const testSend = useMutation({ mutationFn: () => newsletterCampaignsApi.testSend(campaign.id, to) });
  const recipients = preview.data?.recipients ?? 0;
  const isUnsent = UNSENT.includes(campaign.status);
  const zone = workspaceZone();
  return (
    <article className="stack" aria-labelledby="campaign-h" data-testid="campaign">
      <h3 id="campaign-h" style={{ margin: 0 }}>{campaign.subject}</h3>
      <p className="muted" style={{ margin: 0 }}>
        List {listName} · {campaign.status} · created {formatDateTime(campaign.created_at)}
        {campaign.status === 'scheduled' && campaign.scheduled_at ? ` · scheduled for ${formatDateTime(campaign.scheduled_at)} (${zone})` : ''}
      </p>
      {campaign.status === 'missed' && (
        <div className="card stack" role="status" data-testid="missed" style={{ borderColor: 'var(--danger)' }}>
          <p style={{ margin: 0 }}>
            <strong>Missed.</strong> The worker did not start this send: it was {campaign.missed_reason?.replace(/^not started: it was /, '') ?? 'past its late limit'} (noticed {formatDateTime(campaign.missed_at)}, {zone}).
          </p>
          <p style={{ margin: 0 }}>{canSend ? 'Send it now below, or pick a new time.' : 'An admin can send it now, or you can pick a new time.'}</p>
        </div>
      )}
      {preview.error && <p className="error" role="alert">{sendErrorText(preview.error)}</p>}
      {preview.data && (
        <section className="stack" aria-labelledby="preview-h">
          <h4 id="preview-h" style={{ margin: 0 }}>Preview for {preview.data.to}</h4>
          <p style={{ margin: 0 }}>Subject: {preview.data.subject}</p>
          {/* Its own page and policy (https images, no script); sandboxed: nothing in it runs. */}
          <iframe
            key={preview.dataUpdatedAt}
            title="HTML preview"
            sandbox=""
            src={newsletterCampaignsApi.previewUrl(campaign.id)}
            style={{ width: '100%', height: '24rem', border: '1px solid var(--border, #ccc)', background: '#fff' }}
          />
          <details>
            <summary>Text part</summary>
            <pre data-testid="preview-text" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{preview.data.text}</pre>
          </details>
        </section>
      )}
      {canWrite && isUnsent && <ScheduleForm campaign={campaign} zone={zone} />}
      {canWrite && isUnsent && (
        <form
          className="stack"
          aria-label="Test send"
          onSubmit={(e) => {
            e.preventDefault();
            testSend.mutate();
          }}
        >
          <Field label="Send a test to">{(p) => <input {...p} type="email" value={to} onChange={(e) => setTo(e.target.value)} required />}</Field>
          {testSend.error && <p className="error" role="alert">{sendErrorText(testSend.error)}</p>}
          {testSend.data && <p role="status">Test sent to {testSend.data.to}.</p>}
          <div>
            <button type="submit" className="btn" disabled={testSend.isPending}>{testSend.isPending ? 'Sending test…' : 'Send test'}</button>
          </div>
        </form>
      )}
      {canSend && isUnsent && preview.data && <SendControls campaign={campaign} recipients={recipients} />}
      {stats.data && stats.data.total > 0 && <StatsView stats={stats.data} />}
      {stats.data && stats.data.uncertain > 0 && <UncertainRecipients campaign={campaign} canRelease={canSend} />}
    </article>
  );
}

/** Pick a time in the workspace's zone (shown beside it), or take a scheduled campaign back to draft. */
function ScheduleForm({ campaign, zone }: { campaign: Campaign; zone: string }) {
  const queryClient = useQueryClient();
  const [at, setAt] = useState(campaign.status === 'scheduled' && campaign.scheduled_at ? localInputValue(campaign.scheduled_at, zone) : '');
  const schedule = useMutation({
    mutationFn: (value: string | null) => newsletterCampaignsApi.schedule(campaign.id, value),
    onSuccess: () => {
      for (const key of ['newsletter-campaigns', 'newsletter-stats']) queryClient.invalidateQueries({ queryKey: [key] });
    },
  });
  return (
    <form
      className="stack"
      aria-labelledby={`schedule-h-${campaign.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        schedule.mutate(at);
      }}
    >
      <h4 id={`schedule-h-${campaign.id}`} style={{ margin: 0 }}>{campaign.status === 'scheduled' ? 'Schedule' : campaign.status === 'missed' ? 'Reschedule' : 'Schedule for later'}</h4>
      <Field
        label={`Send at (${zone})`}
        hint={`The worker starts it at this time; more than ${campaign.late_limit_hours} h late, it does not start and the campaign shows as missed.`}
        error={schedule.error ? errorText(schedule.error) : undefined}
      >
        {(p) => <input {...p} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} required />}
      </Field>
      <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
        <button type="submit" className="btn" disabled={schedule.isPending || !at}>{campaign.status === 'scheduled' ? 'Change time' : 'Schedule'}</button>
        {campaign.status === 'scheduled' && (
          <button type="button" className="btn" disabled={schedule.isPending} onClick={() => schedule.mutate(null)}>Unschedule</button>
        )}
      </div>
    </form>
  );
}

/** The mail account and the rate a send goes through; shared by the send and a resend. */
function useSendOptions() {
  const accounts = useQuery({ queryKey: ['mail-accounts'], queryFn: api.mailAccounts });
  const [account, setAccount] = useState('');
  const [rate, setRate] = useState('20');
  const fields = (
    <div className="grid two">
      <Field label="Send through" hint="The mail account whose SMTP server sends it.">
        {(p) => (
          <select {...p} value={account} onChange={(e) => setAccount(e.target.value)}>
            <option value="">{accounts.data?.[0] ? `${accounts.data[0].address} (the first)` : 'the first mail account'}</option>
            {accounts.data?.slice(1).map((a) => <option key={a.id} value={a.id}>{a.address}</option>)}
          </select>
        )}
      </Field>
      <Field label="Messages per second at most" hint="0: as fast as the server takes them.">
        {(p) => <input {...p} type="number" min={0} max={10000} step={1} value={rate} onChange={(e) => setRate(e.target.value)} required />}
      </Field>
    </div>
  );
  return { fields, options: { ...(account ? { account } : {}), rate: Math.max(0, Math.trunc(Number(rate) || 0)) } };
}

function SendControls({ campaign, recipients }: { campaign: Campaign; recipients: number }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const { fields, options } = useSendOptions();
  const send = useMutation({
    mutationFn: () => newsletterCampaignsApi.send(campaign.id, options),
    onSuccess: (s) => {
      setConfirming(false);
      queryClient.setQueryData(['newsletter-stats', campaign.id], s);
      queryClient.invalidateQueries({ queryKey: ['newsletter-campaigns'] });
    },
  });
  const label = campaign.status === 'missed' ? 'Send now…' : 'Send…';
  return (
    <div className="stack">
      {!confirming ? (
        <div>
          <button type="button" className="btn primary" onClick={() => setConfirming(true)} disabled={recipients === 0}>{label}</button>
          {recipients === 0 && <span className="muted"> No confirmed subscriber in this list and segment.</span>}
        </div>
      ) : (
        <div role="group" aria-labelledby={`confirm-send-${campaign.id}`} className="stack">
          <p id={`confirm-send-${campaign.id}`} style={{ margin: 0 }}>
            Send “{campaign.subject}” now to {recipients} {recipients === 1 ? 'recipient' : 'recipients'}? Each gets it once; this cannot be undone.
            {campaign.status === 'scheduled' ? ' Its scheduled time no longer applies.' : ''}
          </p>
          {fields}
          <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
            <button type="button" className="btn primary" onClick={() => send.mutate()} disabled={send.isPending}>{send.isPending ? 'Starting…' : `Send to ${recipients}`}</button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        </div>
      )}
      {send.error && <p className="error" role="alert">{sendErrorText(send.error)}</p>}
    </div>
  );
}

/**
 * Recipients whose copy the mail server may or may not have taken: never resent on their own.
 * Resend those you know did not get it (the server's log shows no delivery), or record as sent
 * those who did; each choice is confirmed with what it does.
 */
function UncertainRecipients({ campaign, canRelease }: { campaign: Campaign; canRelease: boolean }) {
  const queryClient = useQueryClient();
  const uncertain = useQuery({ queryKey: ['newsletter-uncertain', campaign.id], queryFn: () => newsletterCampaignsApi.uncertain(campaign.id) });
  const [unpicked, setUnpicked] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<'resend' | 'sent' | null>(null);
  const { fields, options } = useSendOptions();
  const picked = (uncertain.data ?? []).filter((r) => !unpicked.has(r.email)).map((r) => r.email);
  const settle = useMutation({
    mutationFn: async (how: 'resend' | 'sent') => {
      await newsletterCampaignsApi.release(campaign.id, picked, how === 'sent');
      return how === 'resend' ? newsletterCampaignsApi.send(campaign.id, options) : newsletterCampaignsApi.stats(campaign.id);
    },
    onSuccess: (s: CampaignStats) => {
      setConfirming(null);
      queryClient.setQueryData(['newsletter-stats', campaign.id], s);
      for (const key of ['newsletter-uncertain', 'newsletter-campaigns']) queryClient.invalidateQueries({ queryKey: [key] });
    },
  });
  const n = picked.length;
  const whom = `${n} ${n === 1 ? 'recipient' : 'recipients'}`;
  return (
    <section className="stack" aria-labelledby={`uncertain-h-${campaign.id}`}>
      <h4 id={`uncertain-h-${campaign.id}`} style={{ margin: 0 }}>Uncertain recipients</h4>
      <p className="muted" style={{ margin: 0 }}>The mail server may or may not have taken these copies; they are never resent on their own. Check its log first.</p>
      {uncertain.error && <p className="error" role="alert">{errorText(uncertain.error)}</p>}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region needs keyboard focus (WCAG 2.1.1) */}
      <div style={{ overflowX: 'auto', position: 'relative' }} tabIndex={0} role="region" aria-label="Uncertain recipients">
        <table className="table" data-testid="uncertain">
          <caption className="sr-only">Uncertain recipients and what the send saw</caption>
          <thead>
            <tr>
              {canRelease && <th scope="col"><span className="sr-only">Pick</span></th>}
              <th scope="col">Email</th>
              <th scope="col">What happened</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {uncertain.data?.map((r) => (
              <tr key={r.subscriber_id}>
                {canRelease && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Settle ${r.email}`}
                      checked={!unpicked.has(r.email)}
                      onChange={(e) => {
                        const next = new Set(unpicked);
                        if (e.target.checked) next.delete(r.email);
                        else next.add(r.email);
                        setUnpicked(next);
                      }}
                    />
                  </td>
                )}
                <th scope="row">{r.email}</th>
                <td>{r.reason}</td>
                <td>{formatDateTime(r.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canRelease && confirming === null && (
        <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
          <button type="button" className="btn" disabled={n === 0} onClick={() => setConfirming('resend')}>Resend…</button>
          <button type="button" className="btn" disabled={n === 0} onClick={() => setConfirming('sent')}>Mark as sent…</button>
        </div>
      )}
      {canRelease && confirming !== null && (
        <div role="group" aria-labelledby={`confirm-settle-${campaign.id}`} className="stack">
          <p id={`confirm-settle-${campaign.id}`} style={{ margin: 0 }}>
            {confirming === 'resend'
              ? `Resend to ${whom}? Each is sent the campaign again: right for those whose copy never arrived, but anyone who did get it gets a second copy.`
              : `Record ${whom} as sent? Nothing is sent: right for those whose copy the server's log shows delivered; anyone who did not get it never will.`}
          </p>
          {confirming === 'resend' && fields}
          <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
            <button type="button" className="btn primary" disabled={settle.isPending} onClick={() => settle.mutate(confirming)}>
              {confirming === 'resend' ? `Resend to ${n}` : `Mark ${n} as sent`}
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(null)}>Cancel</button>
          </div>
        </div>
      )}
      {settle.error && <p className="error" role="alert">{sendErrorText(settle.error)}</p>}
    </section>
  );
}

function StatsView({ stats }: { stats: CampaignStats }) {
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
      {stats.finished_at && <p className="muted" style={{ margin: 0 }}>Finished {formatDateTime(stats.finished_at)}.</p>}
    </section>
  );
}
