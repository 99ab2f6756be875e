/** Every interaction with the contact across channels, newest first. */
import type { Interaction } from '../../api';
import { formatDateTime } from '../../format';

const KIND_ICON: Record<string, string> = { email: '✉', call: '☎', meeting: '◎', message: '✎', note: '¶', surprise: '★', newsletter: '▤' };
const DIRECTION: Record<string, string> = { in: 'from them', out: 'from you', internal: 'internal' };

export function Timeline({ items }: { items: Interaction[] }) {
  const sorted = [...items].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  if (sorted.length === 0) return <p className="muted">No interactions yet.</p>;
  return (
    <ol className="timeline">
      {sorted.slice(0, 200).map((i) => (
        <li key={i.id} className={i.direction}>
          <div className="chips" style={{ alignItems: 'center' }}>
            <span aria-hidden="true">{KIND_ICON[i.kind] ?? '•'}</span>
            <strong>{i.kind}</strong>
            <span className="muted">{DIRECTION[i.direction] ?? i.direction} · <time dateTime={i.at}>{formatDateTime(i.at)}</time></span>
            {i.automated && <span className="chip">automated</span>}
            {i.behaviors.map((b) => <span key={b.behavior} className="chip" title={`origin: ${b.origin}`}>{b.behavior}</span>)}
          </div>
          {i.subject && <div>{i.subject}</div>}
          {i.excerpt && <div className="muted" style={{ fontSize: '0.9rem' }}>{i.excerpt}</div>}
        </li>
      ))}
    </ol>
  );
}
