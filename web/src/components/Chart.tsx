/**
 * Charts on uPlot: a small (≈ 20 KB gzipped), fast canvas library, loaded only with the pages
 * that draw charts. A canvas says nothing to a screen reader, so every chart carries a text
 * summary (aria-label) and its numbers in a table a click away.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

/** `xTitle`/`yTitle` name the axes; without a time scale, `xLabels` name the ticks that fall on an x value. */
export function Chart(props: { title: string; summary: string; x: number[]; xLabels?: string[]; series: ChartSeries[]; bars?: boolean; height?: number; time?: boolean; yFormat?: (v: number) => string; xTitle?: string; yTitle?: string }) {
  const { title, summary, x, xLabels, series, bars, height = 220, time = true, yFormat, xTitle, yTitle } = props;
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const axisColor = css.getPropertyValue('--muted').trim() || '#666';
    const gridColor = css.getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      // Bars on categories get half a step of room on each side, so the first and last show whole.
      scales: { x: bars && !time && x.length > 0 ? { time, range: (): uPlot.Range.MinMax => [x[0]! - halfStep(x), x[x.length - 1]! + halfStep(x)] } : { time } },
      legend: { show: series.length > 1 },
      axes: [
        { ...axis, label: xTitle, values: !time && xLabels ? (_u, ticks) => ticks.map((t) => xLabels[x.indexOf(t)] ?? '') : undefined },
        { ...axis, label: yTitle, values: yFormat ? (_u, ticks) => ticks.map(yFormat) : undefined, size: 56 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: bars ? s.color : undefined,
          width: 2,
          spanGaps: true,
          points: { show: x.length < 40 },
          paths: bars ? uPlot.paths.bars?.({ size: [0.8, 60] }) : undefined,
        })),
      ],
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [x, xLabels, series, bars, height, time, yFormat, xTitle, yTitle]);

  const label = (i: number) => props.xLabels?.[i] ?? (time ? new Date((x[i] ?? 0) * 1000).toLocaleDateString() : String(x[i]));
  return (
    <figure className="chart-figure" style={{ margin: 0 }}>
      <div ref={ref} className="chart" role="img" aria-label={`${title}. ${summary}`} />
      <figcaption className="muted" style={{ fontSize: '0.85rem' }}>{summary}</figcaption>
      <details>
        <summary>Show the numbers</summary>
        <div style={{ overflowX: 'auto' }}>
          <table className="table">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{time ? 'Date' : 'Value'}</th>
                {series.map((s) => <th key={s.label} scope="col">{s.label}</th>)}
              </tr>
            </thead>
            <tbody>
              {x.map((_, i) => (
                <tr key={label(i)}>
                  <th scope="row">{label(i)}</th>
                  {series.map((s) => <td key={s.label}>{s.values[i] == null ? '—' : yFormat ? yFormat(s.values[i] as number) : s.values[i]}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

const halfStep = (x: number[]) => (x.length > 1 ? (x[1]! - x[0]!) / 2 : 0.5);

export const chartColor = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
