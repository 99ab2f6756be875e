/** Health score with each factor, its weight and its plain-words explanation (SPEC §5.1). */
import { FACTOR_NAMES, type ContactHealth } from '../../api-types';
import { HealthBadge } from '../HealthBadge';

export function HealthPanel({ health }: { health: ContactHealth }) {
  return (
    <section className="card stack" aria-labelledby="health-h">
      <div className="page-header" style={{ margin: 0 }}>
        <h2 id="health-h" style={{ margin: 0 }}>Health</h2>
        <HealthBadge status={health.status} score={health.score} slipping={health.slipping} />
      </div>
      <p className="muted" style={{ margin: 0 }}>
        Score {health.score ?? '—'} / 100 · stage {health.stage}
      </p>
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0, gap: '0.2rem' }}>
        {FACTOR_NAMES.map((name) => {
          const f = health.factors[name];
          const pct = f.value == null ? null : Math.round(f.value * 100);
          return (
            <li key={name} className="factor">
              <span style={{ textTransform: 'capitalize' }}>{name} <span className="muted" style={{ fontSize: '0.75rem' }}>×{f.weight}</span></span>
              <span className="meter" role="meter" aria-label={`${name} factor`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? 0} aria-valuetext={pct == null ? 'no data' : `${pct} of 100`}>
                <span style={{ width: `${pct ?? 0}%` }} />
              </span>
              <span style={{ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>{pct ?? '—'}</span>
              <p className="factor-expl">{f.explanation}</p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
