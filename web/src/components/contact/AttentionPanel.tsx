/**
 * Attention before and after the honeymoon (SPEC §4.4): touches per month drawn from the
 * timeline, the honeymoon baseline against the last 90 days, and the give/ask ledger (§4.5).
 */
import { useMemo } from 'react';
import type { ContactHealth, Interaction } from '../../api';
import { Chart, chartColor } from '../Chart';

/** SPEC §2 touch; mirrors isTouch of the server's interactions schema. */
function isTouch(i: Interaction): boolean {
  if (i.automated) return false;
  if (i.kind === 'call' || i.kind === 'meeting') return i.direction !== 'internal';
  return (i.kind === 'email' || i.kind === 'message' || i.kind === 'surprise') && i.direction === 'out';
}

function monthlyTouches(items: Interaction[]): { x: number[]; touches: number[]; inbound: number[] } {
  const months = new Map<string, { touches: number; inbound: number }>();
  for (const i of items) {
    const key = i.at.slice(0, 7);
    const m = months.get(key) ?? { touches: 0, inbound: 0 };
    if (isTouch(i)) m.touches += 1;
    if (i.direction === 'in' && !i.automated) m.inbound += 1;
    months.set(key, m);
  }
  const keys = [...months.keys()].sort();
  if (keys.length === 0) return { x: [], touches: [], inbound: [] };
  // Fill empty months so that silence shows as zero, not as a straight line.
  const all: string[] = [];
  const [fy, fm] = (keys[0] as string).split('-').map(Number) as [number, number];
  const last = keys[keys.length - 1] as string;
  for (let month = fy * 12 + fm - 1; ; month++) {
    const k = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
    all.push(k);
    if (k >= last || all.length > 240) break;
  }
  return {
    x: all.map((k) => Date.parse(`${k}-01T00:00:00Z`) / 1000),
    touches: all.map((k) => months.get(k)?.touches ?? 0),
    inbound: all.map((k) => months.get(k)?.inbound ?? 0),
  };
}

export function AttentionPanel({ health, timeline }: { health: ContactHealth; timeline: Interaction[] }) {
  const m = health.metrics;
  const data = useMemo(() => monthlyTouches(timeline), [timeline]);
  const series = useMemo(
    () => [
      { label: 'Your touches', values: data.touches, color: chartColor('--accent', '#4338ca') },
      { label: 'Their messages', values: data.inbound, color: chartColor('--cooling', '#92400e') },
    ],
    [data],
  );
  const ratio = m.attention_ratio == null ? null : Math.round(m.attention_ratio * 100);
  return (
    <section className="card stack" aria-labelledby="attention-h">
      <h2 id="attention-h">Attention</h2>
      <dl className="kv">
        <dt>During the honeymoon</dt>
        <dd>{m.baseline_touches_per_30d == null ? '—' : `${m.baseline_touches_per_30d.toFixed(1)} touches / 30 days`}</dd>
        <dt>Last 90 days</dt>
        <dd>{m.touches_per_30d.toFixed(1)} touches / 30 days</dd>
        <dt>Attention kept</dt>
        <dd>{ratio == null ? 'honeymoon not over yet' : `${ratio}% of the honeymoon level`}</dd>
        <dt>Last touch</dt>
        <dd>{m.days_since_last_touch == null ? 'never' : `${m.days_since_last_touch} days ago`}{m.overdue ? ' · overdue' : ''}</dd>
      </dl>
      {data.x.length > 0 ? (
        <Chart title="Touches per month" summary={`${data.touches.reduce((a, b) => a + b, 0)} touches over ${data.x.length} months; ${ratio == null ? 'still in the honeymoon' : `${ratio}% of the honeymoon level now`}.`} x={data.x} series={series} xTitle="Month" yTitle="Touches" />
      ) : (
        <p className="muted">No interactions to chart yet.</p>
      )}
    </section>
  );
}

export function LedgerPanel({ health }: { health: ContactHealth }) {
  const m = health.metrics;
  const entries = Object.entries(m.behaviors_180d).filter(([, n]) => n > 0);
  return (
    <section className="card stack" aria-labelledby="ledger-h">
      <h2 id="ledger-h">Give and ask (180 days)</h2>
      <p style={{ margin: 0 }}>
        You gave <strong>{m.gives_180d}</strong> times and asked <strong>{m.asks_180d}</strong> times.
        {m.asks_180d > 0 && m.gives_180d < 3 * m.asks_180d ? ' Give more before you ask again.' : ''}
      </p>
      <div className="chips">
        {entries.length === 0 ? <span className="muted">No behaviours recorded yet.</span> : entries.map(([b, n]) => <span key={b} className="chip">{b} × {n}</span>)}
      </div>
    </section>
  );
}
