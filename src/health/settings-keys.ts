/**
 * `rapport settings set KEY VALUE`: own addresses and domains, the metric parameters, business
 * hours, time zone, competitors, weights and SLA targets as people type them ("4h", "mon-fri 09:00-17:00",
 * "Globex, Initech"). Turns one key and value into a settings patch; validation of the whole
 * result stays with updateWorkspaceSettings.
 */
import { ValidationError } from '../errors.js';
import { parseBusinessHours } from '../workspaces/business-hours.js';
import type { WorkspaceSettings } from '../workspaces/workspaces.schema.js';

export const SETTING_KEYS = [
  'own_addresses', 'own_domains', 'nudge_gap', 'honeymoon_days', 'today_plan_size', 'time_zone', 'locale', 'business_hours', 'include_lists', 'competitors', 'achievement_patterns',
  'weights.responsiveness', 'weights.attention', 'weights.care', 'weights.engagement', 'weights.reciprocity',
  'sla.default', 'sla.tag.TAG', 'sla.contact.CONTACT',
] as const;

const UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, hours: 3600, d: 86_400, days: 86_400 };

/** "4h", "90 min", "2d", "3600" (seconds) → seconds. */
export function parseDuration(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[(m[2] || 's').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new ValidationError(`${where}: "${text}" is not a duration; use e.g. 4h, 90min, 2d or seconds`);
  const seconds = Math.round(Number(m[1]) * unit);
  if (seconds <= 0) throw new ValidationError(`${where}: the duration must be positive`);
  return seconds;
}

/** "a, b,,c" → ["a", "b", "c"], without repeats. */
function listOf(value: string): string[] {
  return [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
}

function parseNumber(text: string, where: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new ValidationError(`${where}: "${text}" is not a number ≥ 0`);
  return n;
}

/**
 * The patch that sets `key` to `value`. `contactId` resolves the CONTACT of sla.contact.CONTACT.
 * @throws validation naming the key.
 */
export async function settingPatch(
  settings: WorkspaceSettings,
  key: string,
  value: string,
  contactId: (ref: string) => Promise<string>,
): Promise<Partial<WorkspaceSettings>> {
  const clear = /^(none|off|null|-)$/i.test(value.trim());
  switch (key) {
    case 'own_addresses': {
      const addresses = listOf(value).map((a) => a.toLowerCase());
      const domain = addresses.find((a) => a.startsWith('@'));
      if (domain) throw new ValidationError(`own_addresses: "${domain}" is a domain; set it with own_domains`);
      return { own_addresses: addresses };
    }
    case 'own_domains':
      return { own_domains: listOf(value).map((d) => d.replace(/^@/, '').toLowerCase()) };
    case 'nudge_gap':
    case 'nudge_gap_s':
      return { nudge_gap_s: parseDuration(value, key) };
    case 'honeymoon_days': {
      const n = parseNumber(value, key);
      if (!Number.isInteger(n) || n < 1) throw new ValidationError(`${key}: expected a whole number of days ≥ 1, got "${value}"`);
      return { honeymoon_days: n };
    }
    case 'today_plan_size': {
      const n = parseNumber(value, key);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new ValidationError(`${key}: expected a whole number of items from 1 to 100, got "${value}"`);
      return { today_plan_size: n };
    }
    case 'time_zone':
    case 'tz':
      return { time_zone: value.trim() };
    case 'locale':
      return { locale: clear ? null : value.trim() };
    case 'business_hours':
    case 'hours':
      return { business_hours: parseBusinessHours(value, key) };
    case 'include_lists':
      if (!/^(true|false|yes|no|on|off)$/i.test(value.trim())) throw new ValidationError(`${key}: expected true or false, got "${value}"`);
      return { include_lists: /^(true|yes|on)$/i.test(value.trim()) };
    case 'competitors':
      return { competitors: clear ? [] : [...new Set(value.split(',').map((c) => c.trim()).filter(Boolean))] };
    case 'achievement_patterns':
    case 'achievements':
      return { achievement_patterns: clear ? [] : [...new Set(value.split(',').map((p) => p.trim()).filter(Boolean))] };
    case 'sla.default':
      return { sla: { ...settings.sla, default_s: clear ? null : parseDuration(value, key) } };
    default:
      break;
  }
  const weight = /^weights\.(responsiveness|attention|care|engagement|reciprocity)$/.exec(key);
  if (weight) return { weights: { ...settings.weights, [weight[1]!]: parseNumber(value, key) } };
  const tag = /^sla\.tag\.(.+)$/.exec(key);
  if (tag) {
    const by_tag = { ...settings.sla.by_tag };
    if (clear) delete by_tag[tag[1]!];
    else by_tag[tag[1]!] = parseDuration(value, key);
    return { sla: { ...settings.sla, by_tag } };
  }
  const contact = /^sla\.contact\.(.+)$/.exec(key);
  if (contact) {
    const id = await contactId(contact[1]!);
    const by_contact = { ...settings.sla.by_contact };
    if (clear) delete by_contact[id];
    else by_contact[id] = parseDuration(value, key);
    return { sla: { ...settings.sla, by_contact } };
  }
  throw new ValidationError(`unknown setting "${key}"; settable keys: ${SETTING_KEYS.join(', ')}`);
}
