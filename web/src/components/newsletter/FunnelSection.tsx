/**
 * The newsletter funnel: subscribers → engaged → replied → client as bars, the same per month
 * of subscription, and the numbers per list with the median issues before a reply and before
 * becoming a client. Shown on the Newsletter page and in Reports.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { newsletterGrowApi, type Funnel } from '../../newsletter-api';
import { Chart, chartColor } from '../Chart';
import { QueryState } from '../ui';

const STAGES = [
  ['subscribers', 'Subscribers'],
  ['engaged', 'Engaged'],
  ['replied', 'Replied'],
  ['clients', 'Clients'],
] as const;

const issues = (n: number | null) => (n === null ? '—' : String(n));

export function FunnelSection({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const funnel = useQuery({ queryKey: ['newsletter-funnel'], queryFn: () => newsletterGrowApi.funnel() });
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="card stack" aria-labelledby="funnel-h">
      <H id="funnel-h">Newsletter funnel</H>
      <QueryState isPending={funnel.isPending} error={funnel.error}>
        {funnel.data && <FunnelCharts data={funnel.data} />}
      </QueryState>
    </section>
  );
}

function FunnelCharts({ data }: { data: Funnel }) {
  const total = data.total;
  const stages = useMemo(
    () => ({
      x: STAGES.map((_, i) => i),
      labels: STAGES.map(([, label]) => label),
      series: [{ label: 'People', values: STAGES.map(([key]) => total[key]), color: chartColor('--accent', '#4338ca') }],
    }),
    [total],
  );
  const months = useMemo(
    () => ({
      x: data.months.map((_, i) => i),
      labels: data.months.map((m) => m.month),
      series: STAGES.map(([key, label], i) => ({ label, values: data.months.map((m) => m[key]), color: chartColor(['--accent', '--steady', '--cooling', '--thriving'][i] as string, '#888') })),
    }),
    [data.months],
  );
  if (total.subscribers === 0) return <p className="muted">No confirmed subscriber yet: the funnel fills as people subscribe, open, reply and buy.</p>;
  const share = (n: number) => `${Math.round((n / total.subscribers) * 100)}%`;
  return (
    <>
      <Chart
        title="Subscribers to clients"
        summary={
          `${total.subscribers} subscribers; ${total.engaged} (${share(total.engaged)}) opened or clicked in ${data.engaged_window_days} days, ` +
          `${total.replied} replied, ${total.clients} became clients. Median issues before replying: ${issues(total.median_issues_before_reply)}; before becoming a client: ${issues(total.median_issues_before_client)}.`
        }
        x={stages.x}
        xLabels={stages.labels}
        series={stages.series}
        bars
        time={false}
        xTitle="Stage"
        yTitle="People"
      />
      {data.months.length > 1 && (
        <Chart
          title="Funnel by month of subscription"
          summary={`${data.months.length} months, from ${data.months[0]?.month} to ${data.months.at(-1)?.month}.`}
          x={months.x}
          xLabels={months.labels}
          series={months.series}
          time={false}
          xTitle="Month subscribed"
          yTitle="People"
        />
      )}
      {/* Focusable: on a phone the table scrolls sideways, and keyboards must reach it. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region needs keyboard focus (WCAG 2.1.1) */}
      <div style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label="Funnel per list">
        <table className="table" data-testid="funnel-lists">
          <caption className="sr-only">Funnel per list</caption>
          <thead>
            <tr>
              <th scope="col">List</th>
              {STAGES.map(([key, label]) => <th key={key} scope="col">{label}</th>)}
              <th scope="col">Issues before a reply</th>
              <th scope="col">Issues before a client</th>
            </tr>
          </thead>
          <tbody>
            {data.lists.map((l) => (
              <tr key={l.list_id}>
                <th scope="row">{l.name}</th>
                {STAGES.map(([key]) => <td key={key}>{l[key]}</td>)}
                <td>{issues(l.median_issues_before_reply)}</td>
                <td>{issues(l.median_issues_before_client)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
