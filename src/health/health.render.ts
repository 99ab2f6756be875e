/** Terminal layouts of health, waits, a contact and settings: what a team lead reads at a glance. */
import { formatBusinessHours } from '../workspaces/business-hours.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import type { Contact } from '../contacts/contacts.schema.js';
import type { Fact } from '../facts/facts.schema.js';
import type { Interaction } from '../interactions/interactions.schema.js';
import { FACTOR_NAMES, type ContactHealth, type OpenWait } from '../metrics/metrics.types.js';
import { businessDuration, percent, wallDuration } from './explain.js';
import { displayWidth, padDisplay, truncateDisplay } from '../shared/display-width.js';
import { formatLocalDay, formatLocalTime } from '../shared/time.js';

/** Columns a waiting row may take: a standard terminal, with room to spare. */
const WAIT_ROW_WIDTH = 100;

const dash = '—';
const num = (n: number | null, digits = 1) => (n === null ? dash : Number.isInteger(n) ? String(n) : n.toFixed(digits));
const wall = (s: number | null) => (s === null ? dash : wallDuration(s));

function dayLength(ws: Workspace): number {
  const [sh, sm] = ws.settings.business_hours.start.split(':').map(Number);
  const [eh, em] = ws.settings.business_hours.end.split(':').map(Number);
  return ((eh ?? 0) * 60 + (em ?? 0) - ((sh ?? 0) * 60 + (sm ?? 0))) * 60;
}

export function renderHealth(h: ContactHealth, ws: Workspace): string {
  const biz = (s: number | null) => (s === null ? dash : businessDuration(s, dayLength(ws)));
  const m = h.metrics;
  const head = `${h.contact.name}${h.contact.email ? ` <${h.contact.email}>` : ''}`;
  const score = h.score === null ? 'no score yet' : `health ${h.score} ${h.status}${h.slipping ? ', slipping (fell 15+ points in 30 days)' : ''}`;
  const lines = [`${head} · ${score} · stage ${h.stage}`, '', 'Factors'];
  for (const name of FACTOR_NAMES) {
    const f = h.factors[name];
    lines.push(`  ${name.padEnd(15)} ${f.value === null ? ' n/a' : f.value.toFixed(2)} × ${f.weight.toFixed(2)}  ${f.explanation}`);
  }
  const behaviours = Object.entries(m.behaviors_180d).filter(([, n]) => n > 0).map(([b, n]) => `${b} ${n}`).join(', ') || 'none';
  lines.push(
    '',
    'Responsiveness (90 days)',
    `  replies ${m.replies} · median ${wall(m.reply_median_s)} (${biz(m.reply_median_business_s)}) · 90th percentile ${wall(m.reply_p90_s)}`,
    `  open waits ${m.open_waits}${m.open_waits ? `, oldest ${wall(m.oldest_wait_s)} (${biz(m.oldest_wait_business_s)})` : ''} · nudges ${m.nudges} · nudge rate ${m.nudge_rate === null ? dash : percent(m.nudge_rate)}`,
    `  SLA target ${m.sla_target_business_s === null ? 'none' : biz(m.sla_target_business_s)} · breaches ${m.sla_breaches_90d}`,
    'Their engagement',
    `  they write ${num(m.inbound_per_30d)} per 30 days (honeymoon ${num(m.baseline_inbound_per_30d)}) · sentiment ${num(m.sentiment_90d, 2)} · competitor mentions ${m.competitor_mentions_90d}`,
    'Attention',
    `  touches ${num(m.touches_per_30d)} per 30 days (honeymoon ${num(m.baseline_touches_per_30d)}) · ratio ${m.attention_ratio === null ? dash : percent(m.attention_ratio)}`,
    `  last touch ${m.days_since_last_touch === null ? 'never' : `${m.days_since_last_touch} days ago`} · typical gap ${num(m.typical_gap_days)} days${m.overdue ? ' · OVERDUE' : ''}`,
    'Care (180 days)',
    `  ${behaviours} · gives ${m.gives_180d} · asks ${m.asks_180d}`,
  );
  return lines.join('\n');
}

/**
 * Open waits as a table of at most 100 columns: the contact by name (cut at 28 columns; the
 * address is in --json and `rapport contact`), the subject in what is left. `total` (when more
 * waits exist than shown) adds how many more there are.
 */
export function renderWaits(waits: OpenWait[], ws: Workspace, total = waits.length): string {
  if (waits.length === 0) return total > 0 ? `${total} waiting; none shown (--limit 0).` : 'Nobody is waiting for a reply.';
  const rows = waits.map((w) => [
    truncateDisplay(w.contact.name || (w.contact.email ?? dash), 28),
    w.subject ?? dash,
    formatLocalTime(w.since, ws.settings.time_zone),
    wallDuration(w.wait_s),
    // The header says business; "30.5 days" keeps the row short.
    businessDuration(w.wait_business_s, dayLength(ws)).replace(' business ', ' '),
    String(w.nudges),
  ]);
  const headers = ['CONTACT', 'SUBJECT', 'SINCE', 'WAITING', 'BUSINESS', 'NUDGES'];
  const widthOf = (i: number) => Math.max(displayWidth(headers[i]!), ...rows.map((r) => displayWidth(r[i]!)));
  const others = headers.reduce((sum, _h, i) => (i === 1 ? sum : sum + widthOf(i)), 0) + 2 * (headers.length - 1);
  const subjectWidth = Math.max(displayWidth(headers[1]!), WAIT_ROW_WIDTH - others);
  for (const r of rows) r[1] = truncateDisplay(r[1]!, subjectWidth);
  const widths = headers.map((_h, i) => widthOf(i));
  const line = (r: string[]) => r.map((c, i) => padDisplay(c, widths[i]!)).join('  ').trimEnd();
  const more = total > waits.length ? [`… and ${total - waits.length} more (--limit)`] : [];
  return [line(headers), ...rows.map(line), ...more].join('\n');
}

export function renderContact(
  data: { contact: Contact; facts: Fact[]; health: ContactHealth; timeline: Interaction[] },
  ws: Workspace,
): string {
  const c = data.contact;
  const lines = [
    `${c.name} (${c.id})`,
    `  ${c.emails.join(', ') || 'no address'}${c.company ? ` · ${c.company}` : ''} · ${c.kind} · stage ${c.stage}`,
    ...(c.tags.length ? [`  tags: ${c.tags.join(', ')}`] : []),
    ...(c.client_since ? [`  client since ${formatLocalDay(c.client_since, ws.settings.time_zone)}`] : []),
    ...(c.keep_in_touch_days ? [`  keep in touch every ${c.keep_in_touch_days} days`] : []),
    '',
    'Facts',
    ...(data.facts.length ? data.facts.map((f) => `  ${f.kind}: ${f.text}${f.date ? ` (${f.date}${f.yearly ? ', yearly' : ''})` : ''}`) : ['  none yet']),
    '',
    renderHealth(data.health, ws),
    '',
    'Recent timeline',
    ...(data.timeline.length
      ? data.timeline.map((i) => `  ${formatLocalTime(i.at, ws.settings.time_zone)}  ${i.direction.padEnd(8)} ${i.kind.padEnd(10)} ${i.subject ?? i.excerpt ?? ''}`.trimEnd())
      : ['  nothing yet']),
  ];
  return lines.join('\n');
}

export function renderSettings(ws: Workspace): string {
  const s = ws.settings;
  const hours = (sec: number) => wallDuration(sec);
  return [
    `${ws.name} (${ws.slug})`,
    `  own addresses      ${[...s.own_addresses, ...s.own_domains.map((d) => `@${d}`)].join(', ')}`,
    `  time_zone          ${s.time_zone}`,
    `  locale             ${s.locale ?? "each reader's own (web app)"}`,
    `  business_hours     ${formatBusinessHours(s.business_hours)}`,
    `  nudge_gap          ${hours(s.nudge_gap_s)}`,
    `  honeymoon_days     ${s.honeymoon_days}`,
    `  today_plan_size    ${s.today_plan_size}`,
    `  include_lists      ${s.include_lists}`,
    `  competitors        ${s.competitors.join(', ') || 'none'}`,
    `  achievements       ${s.achievement_patterns.join(', ') || 'built-in rules only'}`,
    `  weights            ${Object.entries(s.weights).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  sla.default        ${s.sla.default_s === null ? 'none' : hours(s.sla.default_s)} (business time)`,
    ...Object.entries(s.sla.by_tag).map(([t, v]) => `  sla.tag.${t.padEnd(10)} ${hours(v)}`),
    ...Object.entries(s.sla.by_contact).map(([c, v]) => `  sla.contact.${c} ${hours(v)}`),
  ].join('\n');
}
