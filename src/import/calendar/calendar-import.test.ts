import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listContacts } from '../../contacts/contacts.service.js';
import type { Db } from '../../db/database.js';
import { createTestDb, testDialects } from '../../db/test-db.js';
import { buildWorkspace } from '../../test/factories.js';
import { importIcsFile } from './index.js';
import { ianaZoneOf, toInstant } from './zones.js';
import { CORPORA } from '../../test/corpora.js';

const NOW = Date.parse('2025-06-01T00:00:00Z');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ics') ? [p] : [];
  });
}

function tempIcs(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rapport-ics-')), 'cal.ics');
  writeFileSync(path, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR'].join('\r\n'));
  return path;
}

function dtstartOf(file: string) {
  const cal = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
  const prop = cal.getFirstSubcomponent('vevent')!.getFirstProperty('dtstart')!;
  return { time: prop.getFirstValue() as InstanceType<typeof ICAL.Time>, tzid: prop.getParameter('tzid') as string };
}

describe('time zones of iCalendar times', () => {
  it.each([
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['/mozilla.org/20050126_1/America/New_York', 'America/New_York'],
    ['posix/Europe/Vaduz', 'Europe/Vaduz'],
    ['(UTC-03:00) Brasília', null],
  ])('%s is %s', (tzid, zone) => {
    expect(ianaZoneOf(tzid)).toBe(zone);
  });

  it('reads Windows zone names and custom VTIMEZONEs of real exports in UTC', () => {
    const pacific = dtstartOf(join(CORPORA, 'ical-python-icalendar/calendars/timezone_same_start.ics'));
    expect(new Date(toInstant(pacific.time, pacific.tzid, 'UTC').ms).toISOString()).toBe('2017-02-24T20:00:00.000Z');
    const eastern = dtstartOf(join(CORPORA, 'ical-python-icalendar/calendars/issue_836_do_not_quote_tzid.ics'));
    expect(new Date(toInstant(eastern.time, eastern.tzid, 'UTC').ms).toISOString()).toBe('2024-10-28T21:00:00.000Z');
    // Only the file's VTIMEZONE knows this name: its rules apply (-03:00 in May 2017).
    const brasilia = dtstartOf(join(CORPORA, 'ical-python-icalendar/calendars/issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics'));
    expect(new Date(toInstant(brasilia.time, brasilia.tzid, 'UTC').ms).toISOString()).toBe('2017-05-11T16:30:00.000Z');
  });
});

describe.each(testDialects())('calendar import on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  const meetings = (wsId: string) =>
    db.kysely.selectFrom('interactions').selectAll().where('workspace_id', '=', wsId).orderBy('occurred_at').execute();

  it('imports every calendar of the corpora without failing or hanging; broken ones are malformed with a reason', async () => {
    const ws = await buildWorkspace(db);
    const files = [...walk(join(CORPORA, 'ical-python-icalendar')), ...walk(join(CORPORA, 'ical-icaljs'))];
    expect(files.length).toBeGreaterThan(150);
    const broken: string[] = [];
    for (const file of files) {
      const started = performance.now();
      const summary = await importIcsFile(db, ws, file, {}, NOW);
      expect(performance.now() - started, file).toBeLessThan(5000);
      for (const e of summary.errors.slice(0, summary.malformed)) {
        expect(e.reason.length, file).toBeGreaterThan(5);
        broken.push(e.where.split(' ')[0]!);
      }
    }
    expect(broken).toEqual(expect.arrayContaining(['broken_dtstart.ics', 'issue_104_broken_calendar.ics', 'small_bad_calendar.ics', 'issue_1081_invalid_rrule_freq.ics']));
    expect((await meetings(ws.id)).length).toBeGreaterThan(1000);
  }, 120_000);

  it('expands a recurring meeting up to now, applying RDATE, EXDATE and moved occurrences, once', async () => {
    const ws = await buildWorkspace(db, { me: ['calmozilla1@gmail.com'], time_zone: 'Europe/Berlin' });
    const file = join(CORPORA, 'ical-icaljs/samples/recur_instances.ics');
    const now = Date.parse('2013-06-01T00:00:00Z');
    const first = await importIcsFile(db, ws, file, {}, now);
    expect(first).toMatchObject({ read: 8, imported: 8, duplicates: 0, malformed: 0 });
    const rows = await meetings(ws.id);
    expect(rows.map((r) => new Date(r.occurred_at).toISOString())).toEqual([
      '2012-10-02T22:00:00.000Z', // moved from 10:00 to 15:00 Los Angeles by its exception
      '2012-11-07T04:00:00.000Z', // RDATE of Nov 5, moved to Nov 6 20:00 PST
      '2012-11-06T18:00:00.000Z',
      '2012-11-10T18:00:00.000Z',
      '2012-11-30T18:00:00.000Z',
      '2013-01-01T18:00:00.000Z', // Dec 4 and Feb 5 are EXDATEs
      '2013-03-05T18:00:00.000Z',
      '2013-05-07T17:00:00.000Z', // PDT
    ].sort());
    expect(rows.every((r) => r.kind === 'meeting' && r.direction === 'in' && r.from_address === 'jlal@mozilla.com')).toBe(true);
    const again = await importIcsFile(db, ws, file, {}, now + 86_400_000);
    expect(again).toMatchObject({ imported: 0, duplicates: 8 });
    expect(await meetings(ws.id)).toHaveLength(8);
    const people = await listContacts(db.kysely, ws, {}, now);
    expect(people.map((c) => [c.email, c.name]).sort()).toEqual([
      ['iam.revelation@gmail.com', 'Iam Revelation'],
      ['james@lightsofapollo.com', 'James'],
      ['jlal@mozilla.com', 'James Lal'],
    ]);
  });

  it('makes meetings with attendees: own organizer is outbound, cancelled and declined events are skipped, zones respected', async () => {
    const ws = await buildWorkspace(db, { me: ['me@acme.example', '@acme.example'], time_zone: 'Europe/Paris' });
    const file = tempIcs([
      'BEGIN:VEVENT', 'UID:a', 'SUMMARY:Kick-off', 'DTSTART;TZID=W. Europe Standard Time:20240115T100000', 'DURATION:PT1H',
      'ORGANIZER;CN=Me:mailto:me@acme.example', 'ATTENDEE;CN="Ada Lovelace";PARTSTAT=ACCEPTED:mailto:Ada@Client.Example',
      'ATTENDEE;CUTYPE=ROOM:mailto:room1@client.example', 'ATTENDEE:mailto:colleague@acme.example', 'ATTENDEE;PARTSTAT=DECLINED:mailto:bob@client.example',
      'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b', 'SUMMARY:Review', 'DTSTART;TZID="Pacific Standard Time":20240710T090000',
      'ORGANIZER:mailto:ada@client.example', 'ATTENDEE:mailto:me@acme.example', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:c', 'SUMMARY:Lunch', 'DTSTART:20240301T120000', 'ORGANIZER:mailto:cy@client.example', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:d', 'STATUS:CANCELLED', 'DTSTART:20240302T120000Z', 'ORGANIZER:mailto:cy@client.example', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:e', 'DTSTART:20240303T120000Z', 'ORGANIZER:mailto:cy@client.example', 'ATTENDEE;PARTSTAT=DECLINED:mailto:me@acme.example', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:f', 'DTSTART:20240304T120000Z', 'ATTENDEE:mailto:colleague@acme.example', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:g', 'DTSTART:20990101T120000Z', 'ORGANIZER:mailto:cy@client.example', 'END:VEVENT',
    ]);
    const summary = await importIcsFile(db, ws, file, {}, NOW);
    expect(summary).toMatchObject({ read: 6, imported: 3, malformed: 0, contacts_created: 2 });
    const rows = await meetings(ws.id);
    expect(rows.map((r) => [r.subject, r.direction, new Date(r.occurred_at).toISOString()])).toEqual([
      ['Kick-off', 'out', '2024-01-15T09:00:00.000Z'],
      ['Lunch', 'in', '2024-03-01T11:00:00.000Z'], // floating: the workspace's Paris time
      ['Review', 'in', '2024-07-10T16:00:00.000Z'],
    ]);
    const ada = (await listContacts(db.kysely, ws, {}, NOW)).find((c) => c.email === 'ada@client.example');
    expect(ada?.name).toBe('Ada Lovelace');
    const firstSeen = await db.kysely.selectFrom('contacts').select('first_seen_at').where('id', '=', ada!.id).executeTakeFirstOrThrow();
    expect(firstSeen.first_seen_at).toBe(Date.parse('2024-01-15T09:00:00Z'));
    const kickoff = await db.kysely.selectFrom('interaction_contacts').select(['contact_id', 'role']).where('interaction_id', '=', rows[0]!.id).execute();
    expect(kickoff).toEqual([{ contact_id: ada!.id, role: 'attendee' }]);
  });

  it('refuses an unreadable file with a clear error', async () => {
    const ws = await buildWorkspace(db);
    await expect(importIcsFile(db, ws, '/nonexistent/cal.ics', {}, NOW)).rejects.toMatchObject({ code: 'validation', message: 'cannot read /nonexistent/cal.ics: no such file' });
  });
});
