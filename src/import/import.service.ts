/**
 * `rapport import`: detects the format of each path and hands it to its importer: mail
 * (mbox, .eml files and folders, Maildir trees) here in src/import/mail, vCard and CSV in
 * src/import/contacts, iCalendar in src/import/calendar. Returns one summary for all paths
 * (SPEC §3.5).
 */
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Db } from '../db/database.js';
import { ValidationError } from '../errors.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { emptySummary, MAX_REPORTED_ERRORS, type ImportProgress, type ImportSummary } from './import.types.js';
import { importMailSource, MAX_LISTED_CONTACTS, type MailImportOptions } from './mail/mail-import.service.js';
import { openMbox, openMessageFiles } from './mail/sources.js';

export const IMPORT_FORMATS = ['mbox', 'eml', 'maildir', 'vcard', 'csv', 'ics'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  format?: ImportFormat;
  /** CSV header mapping: field → column. */
  map?: Record<string, string>;
  /** Parser threads for mail (0: on the main thread). */
  workers?: number;
  /** Count mailing-list mail in metrics for this import, whatever the workspace's include_lists says. */
  includeLists?: boolean;
  batchSize?: number;
  onProgress?: (path: string, p: ImportProgress) => void;
}

const EXTENSIONS: Record<string, ImportFormat> = {
  '.mbox': 'mbox',
  '.mbx': 'mbox',
  '.eml': 'eml',
  '.vcf': 'vcard',
  '.vcard': 'vcard',
  '.csv': 'csv',
  '.ics': 'ics',
  '.ical': 'ics',
};

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
}

async function hasMaildirFolders(dir: string, depth = 0): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  if (names.has('cur') || names.has('new')) return true;
  if (depth >= 3) return false;
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && (await hasMaildirFolders(`${dir}/${e.name}`, depth + 1))) return true;
  return false;
}

/** Reads the first bytes to tell an mbox from a message, a vCard or a calendar. */
async function sniff(path: string): Promise<ImportFormat | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.toString('latin1', 0, bytesRead).replace(/^\u00ef\u00bb\u00bf/, '').replace(/^\s+/, '');
    if (/^From \S*/.test(head)) return 'mbox';
    if (/^BEGIN:VCARD/i.test(head)) return 'vcard';
    if (/^BEGIN:VCALENDAR/i.test(head)) return 'ics';
    if (/^[!-9;-~]+[ \t]*:/.test(head) && /^(from|to|subject|date|message-id|received|return-path|mime-version|delivered-to|x-[\w-]+)[ \t]*:/im.test(head)) return 'eml';
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * The format of a path: the one asked for, else from the extension, the content or (folders)
 * the presence of Maildir `cur`/`new` folders.
 * @throws validation when the path cannot be read, or the format cannot be told or does not fit.
 */
export async function detectFormat(path: string, asked?: ImportFormat): Promise<{ format: ImportFormat; isFolder: boolean }> {
  const info = await statOrThrow(path);
  const isFolder = info.isDirectory();
  if (isFolder) {
    if (asked && asked !== 'eml' && asked !== 'maildir') throw new ValidationError(`${path} is a folder; --format ${asked} reads a file`);
    return { format: asked ?? ((await hasMaildirFolders(path)) ? 'maildir' : 'eml'), isFolder };
  }
  if (asked) {
    if (asked === 'maildir') throw new ValidationError(`${path} is a file; --format maildir reads a folder`);
    return { format: asked, isFolder };
  }
  const byExtension = EXTENSIONS[extname(path).toLowerCase()];
  const format = byExtension ?? (await sniff(path));
  if (!format) throw new ValidationError(`cannot tell the format of ${path}: give --format mbox|eml|maildir|vcard|csv|ics`);
  return { format, isFolder };
}

interface ImportJob {
  path: string;
  format: ImportFormat;
  isFolder: boolean;
  /** For a walked folder's loose messages: the files, all under `path`. */
  files?: string[];
}

/** What a folder walk found: the jobs, and the files it could not read as anything. */
interface FolderPlan {
  jobs: ImportJob[];
  unknown: string[];
}

// Contacts first, so that mail and meetings find the people they concern by address.
const ORDER: Record<ImportFormat, number> = { vcard: 0, csv: 0, maildir: 1, mbox: 1, eml: 1, ics: 2 };

/**
 * Walks a folder: a folder holding `cur` or `new` is one Maildir; every other file is told by
 * its extension or content. Loose messages become one job, so the folder resumes as a whole.
 */
async function planFolder(root: string): Promise<FolderPlan> {
  const jobs: ImportJob[] = [];
  const messages: string[] = [];
  const unknown: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
    if (names.has('cur') || names.has('new')) {
      jobs.push({ path: dir, format: 'maildir', isFolder: true });
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) {
        const format = EXTENSIONS[extname(e.name).toLowerCase()] ?? (await sniff(full));
        if (format === 'eml') messages.push(full);
        else if (format) jobs.push({ path: full, format, isFolder: false });
        else unknown.push(full);
      }
    }
  };
  await walk(root);
  if (messages.length > 0) jobs.push({ path: root, format: 'eml', isFolder: true, files: messages });
  jobs.sort((a, b) => ORDER[a.format] - ORDER[b.format]);
  return { jobs, unknown };
}

/** "3 .txt files, 1 .pdf": what a folder held that is no mail, contacts or calendar. */
function describeUnknown(files: string[]): string {
  if (files.length === 0) return 'it holds no files';
  const counts = new Map<string, number>();
  for (const f of files) {
    const ext = extname(f).toLowerCase() || 'without extension';
    counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([ext, n]) => (ext === 'without extension' ? `${n} file${n === 1 ? '' : 's'} without extension` : `${n} ${ext} file${n === 1 ? '' : 's'}`))
    .join(', ');
}

function addSummary(total: ImportSummary, part: ImportSummary) {
  total.read += part.read;
  total.imported += part.imported;
  total.duplicates += part.duplicates;
  total.automated += part.automated;
  total.malformed += part.malformed;
  total.contacts_created += part.contacts_created;
  total.threads += part.threads;
  for (const e of part.errors) if (total.errors.length < MAX_REPORTED_ERRORS) total.errors.push(e);
}

/**
 * Imports every path into the workspace; one summary for all of them. Every path is checked
 * before anything is written, so a typo in the last one does not leave a half-done import.
 * @throws validation (unreadable path, unknown format).
 */
export async function importPaths(db: Db, ws: Workspace, paths: string[], now: number, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  if (paths.length === 0) throw new ValidationError('give at least one file or folder to import');
  const jobs: ImportJob[] = [];
  const total = emptySummary();
  for (const p of paths) {
    const path = resolve(p);
    if (!options.format && (await statOrThrow(path)).isDirectory()) {
      const plan = await planFolder(path);
      if (plan.jobs.length === 0) throw new ValidationError(`nothing to import in ${p}: ${describeUnknown(plan.unknown)} (rapport reads mbox, .eml, Maildir, vCard, CSV and iCalendar files)`);
      jobs.push(...plan.jobs);
      for (const f of plan.unknown) {
        if (total.errors.length < MAX_REPORTED_ERRORS) total.errors.push({ where: f, reason: 'not mail, contacts or a calendar; left out' });
      }
    } else jobs.push({ path, ...(await detectFormat(path, options.format)) });
  }
  // Contacts whose health needs recomputing; null once too many to list (then all are rescored).
  let touched: Set<string> | null = new Set<string>();
  for (const job of jobs) {
    const onProgress = options.onProgress ? (p: ImportProgress) => options.onProgress!(job.path, p) : undefined;
    let summary: ImportSummary;
    if (job.format === 'mbox' || job.format === 'eml' || job.format === 'maildir') {
      const source = job.format === 'mbox' ? await openMbox(job.path) : await openMessageFiles(job.path, job.format, job.isFolder, job.files);
      const mailOptions: MailImportOptions = { workers: options.workers, includeLists: options.includeLists, batchSize: options.batchSize, onProgress };
      const result = await importMailSource(db, ws, source, now, mailOptions);
      if (!result.contactIds) touched = null;
      else if (touched) for (const c of result.contactIds) touched.add(c);
      if (touched && touched.size > MAX_LISTED_CONTACTS) touched = null;
      const { contactIds: _ignored, ...rest } = result;
      summary = rest;
    } else if (job.format === 'vcard' || job.format === 'csv') {
      const contacts = await import('./contacts/index.js');
      const fn = job.format === 'vcard' ? contacts.importVcardFile : contacts.importCsvFile;
      summary = await fn(db, ws, job.path, { map: options.map }, now, onProgress);
    } else {
      const calendar = await import('./calendar/index.js');
      summary = await calendar.importIcsFile(db, ws, job.path, { map: options.map }, now, onProgress);
    }
    addSummary(total, summary);
  }
  await refreshHealthOf(db, ws, touched && [...touched], now);
  total.seconds = Math.round((performance.now() - started) / 10) / 100;
  return total;
}

/**
 * Integration point with relationship health: contacts that gained interactions get their
 * score recomputed. By id list, health costs ~6 ms a contact (its queries take IN lists); a
 * whole-workspace rescore walks id ranges at ~0.25 ms a contact. So once an import touched
 * more than a twentieth of the workspace, rescoring everyone is the faster way to the same
 * scores (measured on 20,000 generated messages: 33 s by id list, 1.1 s as a rescore); so it
 * is when the import touched more contacts than it lists (`null`, see MAX_LISTED_CONTACTS).
 */
export async function refreshHealthOf(db: Db, ws: Workspace, contactIds: string[] | null, now: number): Promise<void> {
  if (contactIds?.length === 0) return;
  const health = await import('../health/health.service.js');
  if (!contactIds) {
    await health.rescoreWorkspace(db, ws, now);
    return;
  }
  if (contactIds.length >= 200) {
    const { countContacts } = await import('../health/health.repo.js');
    const total = Number((await countContacts(db.kysely, ws.id)).n);
    if (contactIds.length * 20 >= total) {
      await health.rescoreWorkspace(db, ws, now);
      return;
    }
  }
  await health.refreshContactHealth(db.kysely, ws, contactIds, now);
}
