/**
 * Charts on uPlot: a small (≈ 20 KB gzipped), fast canvas library, loaded only with the pages
 * that draw charts. A canvas says nothing to a screen reader, so every chart carries a text
 * summary (aria-label) and its numbers in a table a click away.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDate } from '../format';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

export function Chart(props: {
  title: string;
  summary: string;
  x: number[];
  xLabels?: string[];
  series: ChartSeries[];
  /** What the axes measure, written beside them: "Week", "Hours to reply". */
  xTitle: string;
  yTitle: string;
  bars?: boolean;
  height?: number;
  time?: boolean;
  yFormat?: (v: number) => string;
}) {
  const { title, summary, x, series, bars, height = 220, time = true, yFormat, xTitle, yTitle, xLabels } = props;
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const axisColor = css.getPropertyValue('--muted').trim() || '#666';
    const gridColor = css.getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, labelSize: 24, font: '12px system-ui', labelFont: '12px system-ui' };
    const xValues = time
      ? (_u: uPlot, ticks: number[]) => ticks.map((t) => formatDate(t * 1000))
      : xLabels
        ? (_u: uPlot, ticks: number[]) => ticks.map((t) => xLabels[x.indexOf(t)] ?? '')
        : undefined;
    // The canvas follows its box: uPlot keeps the width it was given, so the box (which may not
    // grow from its content: min-width 0) is measured instead and the plot resized to it.
    const width = () => Math.max(160, Math.floor(el.getBoundingClientRect().width));
    const opts: uPlot.Options = {
      width: width(),
      height,
      // Bars on categories get half a step of room on each side, so the first and last show whole.
      scales: { x: bars && !time && x.length > 0 ? { time, range: (): uPlot.Range.MinMax => [x[0]! - halfStep(x), x[x.length - 1]! + halfStep(x)] } : { time } },
      // Names and colours stay visible; the values are in the summary below, not behind a hover.
      legend: { show: series.length > 1, live: false },
      axes: [
        { ...axis, label: xTitle, values: xValues, space: time ? 90 : 40 },
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
    const observer = new ResizeObserver(() => {
      if (plot.width !== width()) plot.setSize({ width: width(), height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [x, xLabels, series, bars, height, time, yFormat, xTitle, yTitle]);

  const label = (i: number) => props.xLabels?.[i] ?? (time ? formatDate((x[i] ?? 0) * 1000) : String(x[i]));
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
                <th scope="col">{xTitle}</th>
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
