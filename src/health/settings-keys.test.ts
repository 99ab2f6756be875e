import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../workspaces/workspaces.schema.js';
import { parseDuration, settingPatch } from './settings-keys.js';

const s = defaultSettings();
const id = async (ref: string) => `ct_${ref}`;

describe('settings keys', () => {
  it.each([
    ['nudge_gap', '6h', { nudge_gap_s: 21_600 }],
    ['honeymoon_days', '60', { honeymoon_days: 60 }],
    ['business_hours', 'sun-thu 08:00-16:00', { business_hours: { days: [1, 2, 3, 4, 7], start: '08:00', end: '16:00' } }],
    ['competitors', 'Globex, Initech,,Globex', { competitors: ['Globex', 'Initech'] }],
    ['achievement_patterns', 'opened a new branch, hit 1000 customers', { achievement_patterns: ['opened a new branch', 'hit 1000 customers'] }],
    ['achievements', 'none', { achievement_patterns: [] }],
    ['include_lists', 'yes', { include_lists: true }],
    ['weights.care', '0.5', { weights: { ...s.weights, care: 0.5 } }],
    ['sla.default', '8h', { sla: { ...s.sla, default_s: 28_800 } }],
    ['sla.tag.VIP', '4h', { sla: { ...s.sla, by_tag: { VIP: 14_400 } } }],
    ['sla.contact.ada@x.example', '2h', { sla: { ...s.sla, by_contact: { 'ct_ada@x.example': 7200 } } }],
  ])('%s = %s', async (key, value, patch) => {
    expect(await settingPatch(s, key, value, id)).toEqual(patch);
  });

  it.each([
    ['nudge_gap', 'soon', /nudge_gap: "soon" is not a duration/],
    ['honeymoon_days', '0', /honeymoon_days: expected a whole number/],
    ['weights.care', '-1', /weights.care/],
    ['colour', 'blue', /unknown setting "colour"/],
  ])('rejects %s = %s with a message naming it', async (key, value, message) => {
    await expect(settingPatch(s, key, value, id)).rejects.toThrow(message);
  });

  it.each([['4h', 14_400], ['90min', 5400], ['2d', 172_800], ['3600', 3600], ['1.5h', 5400]])('duration %s', (text, seconds) =>
    expect(parseDuration(text, 'x')).toBe(seconds));
});
