/** Business hours editor: weekdays as checkboxes and start/end times (SPEC §4.1). */
import type { BusinessHours } from '../../../src/workspaces/workspaces.schema.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function BusinessHoursFields({ value, onChange, error }: { value: BusinessHours; onChange: (v: BusinessHours) => void; error?: string }) {
  const toggle = (day: number) => {
    const days = value.days.includes(day) ? value.days.filter((d) => d !== day) : [...value.days, day].sort();
    onChange({ ...value, days });
  };
  return (
    <fieldset>
      <legend>Business hours</legend>
      <div className="days">
        {DAYS.map((label, i) => (
          <label key={label} className="check">
            <input type="checkbox" checked={value.days.includes(i + 1)} onChange={() => toggle(i + 1)} />
            {label}
          </label>
        ))}
      </div>
      <div className="form-row" style={{ marginTop: '0.75rem' }}>
        <label>
          Start
          <input type="time" value={value.start} onChange={(e) => onChange({ ...value, start: e.target.value })} />
        </label>
        <label>
          End
          <input type="time" value={value.end} onChange={(e) => onChange({ ...value, end: e.target.value })} />
        </label>
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
    </fieldset>
  );
}

export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
