/**
 * `rapport import FOLDER`: the folder is walked, each file's format told by its extension or
 * content (a Maildir by its cur/new folders), a mixed folder imported as if each file had been
 * named; a folder with nothing to import is an error saying what it holds. Real corpora.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { corpus } from '../test/corpora.js';

const FILES = {
  'mail/lists/users.mbox': corpus('email-threads-apache-lists/edge-cases/httpd-users-4950.mbox'),
  'people/all.vcf': corpus('contacts-csv-roundcube/all.vcf'),
  'people/gmail.csv': corpus('contacts-csv-roundcube/gmail.csv'),
  'calendar/rsvp.ics': corpus('ical-python-icalendar/events/event_with_rsvp.ics'),
  'loose/simple.eml': corpus('mime-mimekit/messages/simple-multipart.eml'),
  // A message without .eml, told by its headers.
  'loose/delivery-status.txt': corpus('mime-mimekit/messages/delivery-status.txt'),
};

describe.each(testDialects())('importing a folder on %s', (dialect) => {
  const targets: string[][] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let dir: string;
  const newTarget = async () => {
    let target: string[];
    if (dialect === 'postgres') {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url];
      cleanups.push(drop);
    } else {
      const data = mkdtempSync(join(tmpdir(), 'rapport-folder-db-'));
      target = ['--data', data];
      cleanups.push(async () => rmSync(data, { recursive: true, force: true }));
    }
    expect((await runCli([...target, 'init', '--name', 'Acme', '--me', 'me@acme.example'])).code).toBe(0);
    targets.push(target);
    return target;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-folder-'));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const c of cleanups.splice(0)) await c();
    targets.length = 0;
  });

  it('walks a mixed folder and imports what naming each file would', async () => {
    for (const [name, source] of Object.entries(FILES)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      copyFileSync(source, join(dir, name));
    }
    cpSync(corpus('email-threads-notmuch-maildir/default'), join(dir, 'mail/Maildir'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'Remember to call Ann.\n');

    const byFolder = json(await runCli([...(await newTarget()), 'import', dir, '--json']));
    const named = [
      'people/all.vcf', 'people/gmail.csv', 'mail/Maildir', 'mail/lists/users.mbox', 'loose/simple.eml', 'loose/delivery-status.txt', 'calendar/rsvp.ics',
    ].map((n) => join(dir, n));
    const second = await newTarget();
    const byName = json(await runCli([...second, 'import', ...named.slice(0, 3), '--json']));
    const rest = json(await runCli([...second, 'import', named[3]!, '--json']));
    const loose = await Promise.all(named.slice(4, 6).map(async (p) => json(await runCli([...second, 'import', '--format', 'eml', p, '--json']))));
    const calendar = json(await runCli([...second, 'import', named[6]!, '--json']));
    const sum = (field: string) => [byName, rest, ...loose, calendar].reduce((n, s) => n + (s[field] as number), 0);
    for (const field of ['read', 'imported', 'duplicates', 'automated', 'malformed']) expect(byFolder[field], field).toBe(sum(field));
    expect(byFolder.read).toBeGreaterThan(10);
    expect(byFolder.contacts_created).toBeGreaterThan(0);
    expect(byFolder.errors).toContainEqual({ where: join(dir, 'notes.txt'), reason: 'not mail, contacts or a calendar; left out' });

    // The same folder again: everything is a duplicate, nothing new.
    const again = json(await runCli([...targets[0]!, 'import', dir, '--json']));
    expect(again.imported).toBe(0);
    expect(again.contacts_created).toBe(0);

    const human = await runCli([...targets[0]!, 'import', dir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Read \d+, imported 0, /);
    expect(human.stdout).toContain(`${join(dir, 'notes.txt')}: not mail, contacts or a calendar; left out`);
  }, 240_000);

  it('says what a folder holds when nothing in it can be imported', async () => {
    const target = await newTarget();
    for (const n of ['a.txt', 'b.txt', 'sub/c.txt']) {
      mkdirSync(join(dir, n, '..'), { recursive: true });
      writeFileSync(join(dir, n), 'Just some notes.\n');
    }
    writeFileSync(join(dir, 'scan.pdf'), '%PDF-1.4\n');
    const result = await runCli([...target, 'import', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`nothing to import in ${dir}: 3 .txt files, 1 .pdf file`);
    const empty = mkdtempSync(join(tmpdir(), 'rapport-folder-empty-'));
    try {
      const none = await runCli([...target, 'import', empty]);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(`nothing to import in ${empty}: it holds no files`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(json(await runCli([...target, 'contacts', '--json']))).toEqual([]);
  }, 120_000);
});
