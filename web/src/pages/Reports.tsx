/**
 * Reports: responsiveness over time in wall and business hours, the distribution of
 * attention ratios, statuses over time, and the newsletter funnel when there is one.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { STATUSES } from '../../../src/contacts/contacts.schema.js';
import { ApiError, api, type Reports as ReportData } from '../api';
import { Chart, chartColor } from '../components/Chart';
import { statusLabel } from '../components/HealthBadge';
import { PageHeader, QueryState } from '../components/ui';

const toHours = (s: number | null) => (s == null ? null : Math.round((s / 3600) * 10) / 10);
const fmtHours = (v: number) => `${v} h`;

export default function Reports() {
  const reports = useQuery({ queryKey: ['reports'], queryFn: api.reports, retry: false });
  const contacts = useQuery({ queryKey: ['contacts'], queryFn: () => api.contacts() });
  const missing = reports.error instanceof ApiError && reports.error.status === 404;
  return (
    <div className="stack" style={{ gap: '1rem' }}>
      <PageHeader title="Reports" />
      <StatusNow contacts={contacts.data ?? []} />
      {missing ? (
        <p className="muted">Trends over time appear when the server offers reports (GET /api/v1/reports).</p>
      ) : (
        <QueryState isPending={reports.isPending} error={reports.error}>
          {reports.data && <Trends data={reports.data} />}
        </QueryState>
      )}
    </div>
  );
}

function StatusNow({ contacts }: { contacts: { health: { status: string | null } | null }[] }) {
  const counts = STATUSES.map((s) => contacts.filter((c) => c.health?.status === s).length);
  const total = contacts.length || 1;
  return (
    <section className="card stack" aria-labelledby="now-h">
      <h2 id="now-h">Relationships today</h2>
      <ul className="chips" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {STATUSES.map((s, i) => (
          <li key={s} className={`badge ${s}`}>
            {statusLabel(s)}: {counts[i]} ({Math.round(((counts[i] ?? 0) / total) * 100)}%)
          </li>
        ))}
      </ul>
    </section>
  );
}

function Trends({ data }: { data: ReportData }) {
  const resp = useMemo(() => {
    const x = data.responsiveness.map((r) => Date.parse(r.week) / 1000);
    return {
      x,
      series: [
        { label: 'Median reply, wall hours', values: data.responsiveness.map((r) => toHours(r.median_s)), color: chartColor('--accent', '#4338ca') },
        { label: 'Median reply, business hours', values: data.responsiveness.map((r) => toHours(r.median_business_s)), color: chartColor('--cooling', '#92400e') },
      ],
    };
  }, [data]);
  const ratios = useMemo(() => {
    const buckets = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];
    const counts = buckets.map((b, i) => data.attention_ratios.filter((r) => r >= b && (i === buckets.length - 1 || r < (buckets[i + 1] ?? Infinity))).length);
    return { x: buckets.map((b) => b * 100), series: [{ label: 'Contacts', values: counts, color: chartColor('--accent', '#4338ca') }] };
  }, [data]);
  const statuses = useMemo(() => {
    const x = data.statuses.map((s) => Date.parse(s.day) / 1000);
    return { x, series: STATUSES.map((s) => ({ label: statusLabel(s), values: data.statuses.map((d) => d[s]), color: chartColor(`--${s}`, '#888') })) };
  }, [data]);
  const last = data.responsiveness[data.responsiveness.length - 1];
  const below = data.attention_ratios.filter((r) => r < 0.5).length;
  return (
    <>
      <section className="card stack" aria-labelledby="resp-h">
        <h2 id="resp-h">Responsiveness over time</h2>
        <Chart title="Median reply time per week" summary={last ? `Last week: ${toHours(last.median_s) ?? '—'} h wall time, ${toHours(last.median_business_s) ?? '—'} business hours.` : 'No replies yet.'} x={resp.x} series={resp.series} yFormat={fmtHours} />
      </section>
      <div className="grid two">
        <section className="card stack" aria-labelledby="ratio-h">
          <h2 id="ratio-h">Attention kept after the honeymoon</h2>
          <Chart title="Attention ratio distribution" summary={`${data.attention_ratios.length} contacts past their honeymoon; ${below} get less than half the attention they got at first.`} x={ratios.x} xLabels={ratios.x.map((v) => `≥ ${v}%`)} series={ratios.series} bars time={false} />
        </section>
        <section className="card stack" aria-labelledby="st-h">
          <h2 id="st-h">Statuses over time</h2>
          <Chart title="Contacts by status per day" summary={`${data.statuses.length} days of daily scores.`} x={statuses.x} series={statuses.series} />
        </section>
      </div>
      {data.funnel && (
        <section className="card stack" aria-labelledby="funnel-h">
          <h2 id="funnel-h">Newsletter funnel</h2>
          <dl className="kv">
            <dt>Subscribers</dt><dd>{data.funnel.subscribers}</dd>
            <dt>Engaged</dt><dd>{data.funnel.engaged}</dd>
            <dt>Became clients</dt><dd>{data.funnel.clients}</dd>
          </dl>
        </section>
      )}
    </>
  );
}
