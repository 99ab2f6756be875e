/** Health status as colour AND text, so it never relies on colour alone. */
import type { HealthStatus } from '../api';

const LABELS: Record<HealthStatus, string> = { thriving: 'Thriving', steady: 'Steady', cooling: 'Cooling', at_risk: 'At risk' };

export function HealthBadge({ status, score, slipping }: { status: HealthStatus | null | undefined; score?: number | null; slipping?: boolean }) {
  if (!status) return <span className="badge none">No data</span>;
  return (
    <span className={`badge ${status}`}>
      <span className="dot" aria-hidden="true" />
      {LABELS[status]}
      {score != null && <span className="score">{score}</span>}
      {slipping && <span className="slipping" title="Score fell 15 points or more in 30 days">↓ slipping</span>}
    </span>
  );
}

export const statusLabel = (s: HealthStatus) => LABELS[s];
