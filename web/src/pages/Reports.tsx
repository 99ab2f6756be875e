/**
 * Reports: relationships by status now and over time, responsiveness over time in wall and
 * business hours, and how much attention contacts keep after their honeymoon.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { STATUSES } from '../../../src/contacts/contacts.schema.js';
import { api, type Reports as ReportData } from '../api';
import { Chart, chartColor } from '../components/Chart';
import { FunnelSection } from '../components/newsletter/FunnelSection';
import { statusLabel } from '../components/HealthBadge';
import { PageHeader, QueryState } from '../components/ui';
import { formatDay } from '../format';

const toHours = (s: number | null) => (s == null ? null : Math.round((s / 3600) * 10) / 10);
const fmtHours = (v: number) => `${v} h`;

export default function Reports() {
  const reports = useQuery({ queryKey: ['reports'], queryFn: api.reports });
  return (
    <div className="stack" style={{ gap: '1rem' }}>
      <PageHeader title="Reports" />
      <QueryState isPending={reports.isPending} error={reports.error}>
        {reports.data && (
          <>
            <StatusNow counts={reports.data.statuses_now} />
            <Trends data={reports.data} />
            <FunnelSection />
          </>
        )}
      </QueryState>
    </div>
  );
}

function StatusNow({ counts }: { counts: ReportData['statuses_now'] }) {
  const total = STATUSES.reduce((n, s) => n + counts[s], counts.unscored) || 1;
  return (
    <section className="card stack" aria-labelledby="now-h">
      <h2 id="now-h">Relationships today</h2>
      <ul className="chips" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {STATUSES.map((s) => (
          <li key={s} className={`badge ${s}`}>
            {statusLabel(s)}: {counts[s]} ({Math.round((counts[s] / total) * 100)}%)
          </li>
        ))}
        {counts.unscored > 0 && <li className="badge">Not scored yet: {counts.unscored}</li>}
      </ul>
    </section>
  );
}

/** The first and the latest day in words, so the trend reads without hovering the chart. */
function statusSummary(days: ReportData['statuses']): string {
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return '';
  const counts = (d: typeof first) => STATUSES.map((s) => `${d[s]} ${statusLabel(s).toLowerCase()}`).join(', ');
  return `${days.length} days of daily scores. ${formatDay(last.day)}: ${counts(last)}. ${formatDay(first.day)}: ${counts(first)}.`;
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
  const ratios = useMemo(
    () => ({
      x: data.attention_ratios.map((b) => b.from * 100),
      labels: data.attention_ratios.map((b) => (b.to === null ? `≥ ${b.from * 100}%` : `${b.from * 100}–${b.to * 100}%`)),
      series: [{ label: 'Contacts', values: data.attention_ratios.map((b) => b.contacts), color: chartColor('--accent', '#4338ca') }],
    }),
    [data],
  );
  const statuses = useMemo(() => {
    const x = data.statuses.map((s) => Date.parse(s.day) / 1000);
    return { x, series: STATUSES.map((s) => ({ label: statusLabel(s), values: data.statuses.map((d) => d[s]), color: chartColor(`--${s}`, '#888') })) };
  }, [data]);
  const replied = data.responsiveness.filter((r) => r.replies > 0);
  const last = replied[replied.length - 1];
  const pastHoneymoon = data.attention_ratios.reduce((n, b) => n + b.contacts, 0);
  const belowHalf = data.attention_ratios.filter((b) => b.to !== null && b.to <= 0.5).reduce((n, b) => n + b.contacts, 0);
  return (
    <>
      <section className="card stack" aria-labelledby="resp-h">
        <h2 id="resp-h">Responsiveness over time</h2>
        <Chart
          title="Median reply time per week"
          xTitle="Week"
          yTitle="Median hours to reply"
          summary={last ? `Week of ${formatDay(last.week)}: ${last.replies} ${last.replies === 1 ? 'reply' : 'replies'}, median ${toHours(last.median_s)} h wall time, ${toHours(last.median_business_s)} business hours.` : 'No replies in the last thirteen weeks.'}
          x={resp.x}
          series={resp.series}
          yFormat={fmtHours}
        />
      </section>
      <div className="grid two">
        <section className="card stack" aria-labelledby="ratio-h">
          <h2 id="ratio-h">Attention kept after the honeymoon</h2>
          <Chart title="Attention ratio distribution" summary={`${pastHoneymoon} contacts past their honeymoon; ${belowHalf} get less than half the attention they got at first.`} x={ratios.x} xLabels={ratios.labels} series={ratios.series} bars time={false} xTitle="Attention now ÷ during the honeymoon" yTitle="Contacts" />
        </section>
        <section className="card stack" aria-labelledby="st-h">
          <h2 id="st-h">Statuses over time</h2>
          {data.statuses.length > 1 ? (
            <Chart title="Contacts by status per day" summary={statusSummary(data.statuses)} x={statuses.x} series={statuses.series} xTitle="Day" yTitle="Contacts" />
          ) : (
            <p className="muted">The trend appears once scores have been kept for two days.</p>
          )}
        </section>
      </div>
    </>
  );
}
