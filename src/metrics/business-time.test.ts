import { describe, expect, it } from 'vitest';
import { makeBusinessClock } from './business-time.js';

const weekdays = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
const always = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
const t = (iso: string) => Date.parse(iso);

describe('business seconds', () => {
  it.each([
    ['inside one day', 'UTC', weekdays, '2025-01-06T10:00:00Z', '2025-01-06T12:00:00Z', 7200],
    ['before opening counts from 09:00', 'UTC', weekdays, '2025-01-06T07:00:00Z', '2025-01-06T10:00:00Z', 3600],
    ['overnight: 16:00 to 10:00 next day', 'UTC', weekdays, '2025-01-06T16:00:00Z', '2025-01-07T10:00:00Z', 7200],
    ['over a weekend: Fri 16:00 to Mon 10:00', 'UTC', weekdays, '2025-01-10T16:00:00Z', '2025-01-13T10:00:00Z', 7200],
    ['entirely on a weekend', 'UTC', weekdays, '2025-01-11T10:00:00Z', '2025-01-12T16:00:00Z', 0],
    ['a full week', 'UTC', weekdays, '2025-01-06T00:00:00Z', '2025-01-13T00:00:00Z', 5 * 8 * 3600],
    ['end before start', 'UTC', weekdays, '2025-01-06T12:00:00Z', '2025-01-06T10:00:00Z', 0],
    // Berlin is UTC+1 before 2025-03-30 and UTC+2 after: hours follow the local clock.
    ['Berlin, week of the spring DST change: Fri 16:00 to Mon 10:00 local', 'Europe/Berlin', weekdays, '2025-03-28T15:00:00Z', '2025-03-31T08:00:00Z', 7200],
    ['Berlin, Mon 09:00 local after DST is 07:00 UTC', 'Europe/Berlin', weekdays, '2025-03-31T06:00:00Z', '2025-03-31T08:00:00Z', 3600],
    ['Berlin, whole DST week Mon–Mon', 'Europe/Berlin', weekdays, '2025-03-24T00:00:00Z', '2025-03-31T00:00:00Z', 5 * 8 * 3600],
    ['Berlin, round-the-clock hours: the spring Sunday has 23 hours', 'Europe/Berlin', always, '2025-03-28T23:00:00Z', '2025-03-30T22:00:00Z', 47 * 3600],
    ['Berlin, round-the-clock hours: the autumn Sunday has 25 hours', 'Europe/Berlin', always, '2025-10-25T22:00:00Z', '2025-10-26T23:00:00Z', 25 * 3600],
    ['Berlin, 01:00–04:00 on the autumn change lasts 4 real hours', 'Europe/Berlin', { days: [7], start: '01:00', end: '04:00' }, '2025-10-25T00:00:00Z', '2025-10-27T00:00:00Z', 4 * 3600],
    // Sydney (UTC+11 in January): Monday 09:00 local is Sunday 22:00 UTC.
    ['Sydney, business day straddling UTC days', 'Australia/Sydney', weekdays, '2025-01-05T00:00:00Z', '2025-01-07T00:00:00Z', 10 * 3600],
  ])('%s', (_name, zone, hours, from, to, expected) => {
    const clock = makeBusinessClock(zone, hours);
    expect(clock.seconds(t(from), t(to))).toBe(expected);
  });

  it('gives the same answers from a warm cache in any order', () => {
    const clock = makeBusinessClock('Europe/Berlin', weekdays);
    const a = clock.seconds(t('2025-03-31T06:00:00Z'), t('2025-03-31T08:00:00Z'));
    clock.seconds(t('2025-01-01T00:00:00Z'), t('2025-12-31T00:00:00Z'));
    expect(clock.seconds(t('2025-03-31T06:00:00Z'), t('2025-03-31T08:00:00Z'))).toBe(a);
  });

  it('shares what it computed only with clocks of the same zone and hours', () => {
    const from = t('2025-01-06T00:00:00Z');
    const to = t('2025-01-13T00:00:00Z');
    // Warm the shared days for weekdays 09–17 in Berlin first; every other clock keeps its own answer.
    expect(makeBusinessClock('Europe/Berlin', weekdays).seconds(from, to)).toBe(5 * 8 * 3600);
    expect(makeBusinessClock('Europe/Berlin', { ...weekdays, end: '12:00' }).seconds(from, to)).toBe(5 * 3 * 3600);
    expect(makeBusinessClock('Europe/Berlin', { ...weekdays, days: [1, 2, 3] }).seconds(from, to)).toBe(3 * 8 * 3600);
    // The zone changes the answer: 14:00–15:00 UTC is 09:00 in New York, 15:00 in Berlin, 23:00 in Tokyo.
    expect(makeBusinessClock('America/New_York', weekdays).seconds(t('2025-01-06T14:00:00Z'), t('2025-01-06T15:00:00Z'))).toBe(3600);
    expect(makeBusinessClock('Europe/Berlin', weekdays).seconds(t('2025-01-06T14:00:00Z'), t('2025-01-06T15:00:00Z'))).toBe(3600);
    expect(makeBusinessClock('Asia/Tokyo', weekdays).seconds(t('2025-01-06T14:00:00Z'), t('2025-01-06T15:00:00Z'))).toBe(0);
  });
});
