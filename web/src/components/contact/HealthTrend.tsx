/** The daily health score over time (SPEC §5.2 keeps one snapshot per day). */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api';
import { Chart, chartColor } from '../Chart';
import { formatDay } from '../../format';

export function HealthTrend({ contactId }: { contactId: string }) {
  const history = useQuery({ queryKey: ['health-history', contactId], queryFn: () => api.healthHistory(contactId) });
  const points = useMemo(() => (history.data ?? []).filter((p) => p.day).sort((a, b) => a.day.localeCompare(b.day)), [history.data]);
  const x = useMemo(() => points.map((p) => Date.parse(`${p.day}T12:00:00Z`) / 1000), [points]);
  const series = useMemo(() => [{ label: 'Health score', values: points.map((p) => p.score), color: chartColor('--accent', '#4338ca') }], [points]);
  if (history.isPending) return <p className="muted" role="status">Loading the trend…</p>;
  if (history.error) return <p className="error">{history.error.message}</p>;
  if (points.length < 2) return <p className="muted">The trend appears once scores have been kept for two days.</p>;
  const first = points[0]?.score;
  const last = points[points.length - 1]?.score;
  return <Chart title="Health score trend" summary={`From ${first ?? '—'} on ${formatDay(points[0]?.day)} to ${last ?? '—'} on ${formatDay(points[points.length - 1]?.day)}.`} x={x} series={series} xTitle="Day" yTitle="Health score" />;
}
