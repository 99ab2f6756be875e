/** Numbers as a customer-service lead reads them: "2.3 business days", "5 h", "33%". */

function trim(n: number, digits = 1): string {
  return n.toFixed(digits).replace(/\.0+$/, '');
}

/** Wall-clock duration: seconds → "45 min", "5 h", "2.3 days". */
export function wallDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${trim(seconds / 3600)} h`;
  return `${trim(seconds / 86_400)} days`;
}

/** Business duration: hours below one business day, business days above. */
export function businessDuration(seconds: number, businessDayS: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} business min`;
  if (seconds < businessDayS) return `${trim(seconds / 3600)} business hours`;
  const days = seconds / businessDayS;
  return `${trim(days)} business ${days === 1 ? 'day' : 'days'}`;
}

export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export function rate(perThirtyDays: number): string {
  return `${trim(perThirtyDays)} per 30 days`;
}

export function times(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function days(n: number): string {
  const whole = Number.isInteger(n) ? String(n) : trim(n);
  return `${whole} ${n === 1 ? 'day' : 'days'}`;
}
