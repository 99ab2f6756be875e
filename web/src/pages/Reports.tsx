/**
 * Reports: relationships by status now and over time, responsiveness over time in wall and
 * business hours, and how much attention contacts keep after their honeymoon. Each card asks
 * for its own part of the report and draws as soon as that part is in.
 */
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo } from 'react';
import { STATUSES } from '../../../src/contacts/contacts.schema.js';
import { api, type ReportPart, type Reports as ReportData } from '../api';
import { Chart, chartColor } from '../components/Chart';
import { FunnelSection } from '../components/newsletter/FunnelSection';
import { statusLabel } from '../components/HealthBadge';
import { PageHeader, QueryState } from '../components/ui';
import { formatDay } from '../format';

const toHours = (s: number | null) => (s == null ? null : Math.round((s / 3600) * 10) / 10);
const fmtHours = (v: number) => `${v} h`;

export default function Reports() {
  return (
    <div className="stack" style={{ gap: '1rem' }}>
      <PageHeader title="Reports" />
      <StatusNow />
      <Responsiveness />
      <div className="grid two">
        <Attention />
        <StatusTrend />
      </div>
      <FunnelSection />
    </div>
  );
}

/**
 * Each part of the report is its own request: the cheap ones draw at once and the others
 * follow as their data arrives, instead of the whole page waiting for the slowest.
 */
function useReportPart<K extends ReportPart>(part: K, enabled = true) {
  return useQuery({ queryKey: ['reports', part], queryFn: () => api.reportPart(part), enabled });
}

/** A report card: its heading at once, then its content when its data is in (aria-busy until then). */
function ReportSection({ id, title, query, children }: { id: string; title: string; query: { isPending: boolean; error: unknown }; children: ReactNode }) {
  return (
    <section className="card stack report-section" aria-labelledby={id} aria-busy={query.isPending}>
      <h2 id={id}>{title}</h2>
      <QueryState isPending={query.isPending} error={query.error}>
        {children}
      </QueryState>
    </section>
  );
}

function StatusNow() {
  const query = useReportPart('statuses-now');
  return (
    <ReportSection id="now-h" title="Relationships today" query={query}>
      {query.data && <StatusCounts counts={query.data} />}
    </ReportSection>
  );
}

function StatusCounts({ counts }: { counts: ReportData['statuses_now'] }) {
  const total = STATUSES.reduce((n, s) => n + counts[s], counts.unscored) || 1;
  return (
    <ul className="chips" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {STATUSES.map((s) => (
        <li key={s} className={`badge ${s}`}>
          {statusLabel(s)}: {counts[s]} ({Math.round((counts[s] / total) * 100)}%)
        </li>
      ))}
      {counts.unscored > 0 && <li className="badge">Not scored yet: {counts.unscored}</li>}
    </ul>
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

function Responsiveness() {
  // The costly part is asked for once the cheap ones are in: on SQLite the server runs one query
  // at a time, so asked together the cheap ones would wait behind it.
  const cheap = [useReportPart('statuses-now'), useReportPart('attention'), useReportPart('statuses')];
  const query = useReportPart('responsiveness', cheap.every((q) => !q.isPending));
  return (
    <ReportSection id="resp-h" title="Responsiveness over time" query={query}>
      {query.data && <ResponsivenessChart weeks={query.data} />}
    </ReportSection>
  );
}

function ResponsivenessChart({ weeks }: { weeks: ReportData['responsiveness'] }) {
  const resp = useMemo(() => {
    const x = weeks.map((r) => Date.parse(r.week) / 1000);
    return {
      x,
      series: [
        { label: 'Median reply, wall hours', values: weeks.map((r) => toHours(r.median_s)), color: chartColor('--accent', '#4338ca') },
        { label: 'Median reply, business hours', values: weeks.map((r) => toHours(r.median_business_s)), color: chartColor('--cooling', '#92400e') },
      ],
    };
  }, [weeks]);
  const replied = weeks.filter((r) => r.replies > 0);
  const last = replied[replied.length - 1];
  return (
    <Chart
      title="Median reply time per week"
      xTitle="Week"
      yTitle="Median hours to reply"
      summary={last ? `Week of ${formatDay(last.week)}: ${last.replies} ${last.replies === 1 ? 'reply' : 'replies'}, median ${toHours(last.median_s)} h wall time, ${toHours(last.median_business_s)} business hours.` : 'No replies in the last thirteen weeks.'}
      x={resp.x}
      series={resp.series}
      yFormat={fmtHours}
    />
  );
}

function Attention() {
  const query = useReportPart('attention');
  return (
    <ReportSection id="ratio-h" title="Attention kept after the honeymoon" query={query}>
      {query.data && <AttentionChart buckets={query.data} />}
    </ReportSection>
  );
}

function AttentionChart({ buckets }: { buckets: ReportData['attention_ratios'] }) {
  const ratios = useMemo(
    () => ({
      x: buckets.map((b) => b.from * 100),
      labels: buckets.map((b) => (b.to === null ? `≥ ${b.from * 100}%` : `${b.from * 100}–${b.to * 100}%`)),
      series: [{ label: 'Contacts', values: buckets.map((b) => b.contacts), color: chartColor('--accent', '#4338ca') }],
    }),
    [buckets],
  );
  const pastHoneymoon = buckets.reduce((n, b) => n + b.contacts, 0);
  const belowHalf = buckets.filter((b) => b.to !== null && b.to <= 0.5).reduce((n, b) => n + b.contacts, 0);
  return <Chart title="Attention ratio distribution" summary={`${pastHoneymoon} contacts past their honeymoon; ${belowHalf} get less than half the attention they got at first.`} x={ratios.x} xLabels={ratios.labels} series={ratios.series} bars time={false} xTitle="Attention now ÷ during the honeymoon" yTitle="Contacts" />;
}

function StatusTrend() {
  const query = useReportPart('statuses');
  return (
    <ReportSection id="st-h" title="Statuses over time" query={query}>
      {query.data && (query.data.length > 1 ? <StatusTrendChart days={query.data} /> : <p className="muted">The trend appears once scores have been kept for two days.</p>)}
    </ReportSection>
  );
}

function StatusTrendChart({ days }: { days: ReportData['statuses'] }) {
  const statuses = useMemo(() => {
    const x = days.map((s) => Date.parse(s.day) / 1000);
    return { x, series: STATUSES.map((s) => ({ label: statusLabel(s), values: days.map((d) => d[s]), color: chartColor(`--${s}`, '#888') })) };
  }, [days]);
  return <Chart title="Contacts by status per day" summary={statusSummary(days)} x={statuses.x} series={statuses.series} xTitle="Day" yTitle="Contacts" />;
}
