/**
 * Pure rendering of a campaign: front matter, Markdown (marked) to a responsive HTML mail and
 * a plain-text part (html-to-text), merge fields and the campaign's trackable links. A
 * campaign is compiled once into templates with placeholders; each recipient's copy is then a
 * few string replacements, so a large send does not render Markdown per recipient.
 *
 * Merge fields: {{first_name}}, {{last_name}}, {{name}}, {{email}}, {{company}}, each with an
 * optional fallback ({{first_name|there}}). Values are HTML-escaped in the HTML part; raw HTML
 * in the Markdown is shown as text, as in every mail Rapport writes.
 */
import { convert } from 'html-to-text';
import { Marked } from 'marked';
import { ValidationError } from '../errors.js';

export const MERGE_FIELDS = ['first_name', 'last_name', 'name', 'email', 'company'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type MergeData = Partial<Record<MergeField, string | null>>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const MERGE = /\{\{\s*([a-z_]+)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
/** Placeholders survive Markdown and html-to-text untouched: letters and digits only. */
const MERGE_MARK = (i: number) => `zqmerge${i}zq`;
const LINK_MARK = (i: number) => `zqlink${i}zq`;
const PLACEHOLDER = /zq(merge|link)(\d+)zq|zq(unsub|open)zq/gi;

export interface FrontMatter {
  subject: string;
  preheader: string;
  body: string;
}

/**
 * Splits `---` front matter (lines of `key: value`, values optionally quoted) from the body.
 * A dozen lines rather than a YAML library: two string keys need no YAML, and a YAML parser
 * would accept much the issue file never means (anchors, types).
 * @throws validation naming the line of a bad or unknown key, or a missing subject
 */
export function parseFrontMatter(source: string, file = 'issue'): FrontMatter {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const fields: Record<string, string> = {};
  let body = text;
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  if (match) {
    match[1]!.split('\n').forEach((line, i) => {
      if (!line.trim() || line.trim().startsWith('#')) return;
      const kv = /^([a-z_]+)\s*:\s*(.*)$/.exec(line);
      if (!kv || !['subject', 'preheader'].includes(kv[1]!)) {
        throw new ValidationError(`${file} line ${i + 2}: expected "subject: …" or "preheader: …" in the front matter`, [{ where: `${file}:${i + 2}`, reason: 'unknown front matter line' }]);
      }
      fields[kv[1]!] = kv[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
    });
    body = text.slice(match[0].length);
  }
  if (!fields.subject) throw new ValidationError(`${file}: the front matter needs a subject (---\\nsubject: …\\n---)`, [{ where: `${file}:1`, reason: 'no subject' }]);
  if (fields.subject.length > 300) throw new ValidationError(`${file}: the subject is longer than 300 characters`, [{ where: `${file}:subject`, reason: 'too long' }]);
  return { subject: fields.subject, preheader: fields.preheader ?? '', body };
}

/** Every merge field is one we know: a typo would otherwise reach every subscriber. */
export function checkMergeFields(text: string, where: string): void {
  for (const m of text.matchAll(MERGE)) {
    if (!(MERGE_FIELDS as readonly string[]).includes(m[1]!)) {
      throw new ValidationError(`${where}: unknown merge field {{${m[1]}}} (known: ${MERGE_FIELDS.join(', ')})`, [{ where, reason: `unknown merge field ${m[1]}` }]);
    }
  }
}

interface MergeSlot {
  field: MergeField;
  fallback: string;
}

export interface CompiledCampaign {
  subject: string;
  /** Templates with placeholders for merge fields, links, the unsubscribe URL and the pixel. */
  html: string;
  text: string;
  merges: MergeSlot[];
  /** The campaign's links in order: a click token names a link by its index here. */
  links: string[];
}

function withMergeMarks(text: string, merges: MergeSlot[]): string {
  return text.replace(MERGE, (_all, field: string, fallback: string | undefined) => {
    merges.push({ field: field as MergeField, fallback: fallback ?? '' });
    return MERGE_MARK(merges.length - 1);
  });
}

const TRACKABLE = /^https?:\/\//i;

function renderBody(markdown: string): { html: string; links: string[] } {
  const links: string[] = [];
  const marked = new Marked({
    gfm: true,
    breaks: false,
    renderer: {
      html: ({ text }) => escapeHtml(text),
      link({ href, title, tokens }) {
        const inner = this.parser.parseInline(tokens);
        const titleAttr = title ? ` title="${escapeHtml(title)}"` : '';
        // Only absolute web links are tracked; a link with a merge field differs per
        // recipient and stays as written.
        // A script or data link has no place in mail: its text stays, the link goes.
        if (!/^(https?:|mailto:)/i.test(href)) return inner;
        if (!TRACKABLE.test(href) || /zqmerge\d+zq/i.test(href)) return `<a href="${escapeHtml(href)}"${titleAttr} style="color:#1a5fb4">${inner}</a>`;
        let index = links.indexOf(href);
        if (index < 0) index = links.push(href) - 1;
        return `<a href="${LINK_MARK(index)}"${titleAttr} style="color:#1a5fb4">${inner}</a>`;
      },
    },
  });
  return { html: marked.parse(markdown, { async: false }), links };
}

function layout(body: string, preheader: string): string {
  // Tables and inline styles: what mail clients (Outlook's Word engine among them) render.
  const hidden = preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:#ffffff;opacity:0">${preheader}</div>`
    : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title></title></head>
<body style="margin:0;padding:0;background:#f4f4f5">${hidden}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border-radius:6px">
<tr><td style="padding:24px 28px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.55;color:#1f2328">
${body}
</td></tr>
<tr><td style="padding:16px 28px;border-top:1px solid #e4e4e7;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:12px;line-height:1.5;color:#6b7280">
You receive this because you subscribed. <a href="zqunsubzq" style="color:#6b7280">Unsubscribe</a>
</td></tr>
</table>
</td></tr></table>zqopenzq
</body></html>`;
}

/** Compiles a campaign's subject, preheader and Markdown body into per-recipient templates. */
export function compileCampaign(input: { subject: string; preheader: string; body_md: string }): CompiledCampaign {
  const merges: MergeSlot[] = [];
  const subject = withMergeMarks(input.subject, merges);
  const preheader = escapeHtml(withMergeMarks(input.preheader, merges));
  const { html: body, links } = renderBody(withMergeMarks(input.body_md, merges));
  const text = convert(body, {
    wordwrap: 78,
    selectors: [
      { selector: 'a', options: { hideLinkIfSameAsText: true } },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    ],
  });
  return { subject, html: layout(body, preheader), text: `${text}\n\n--\nUnsubscribe: zqunsubzq\n`, merges, links };
}

/** The campaign's trackable links in order (what a click token's index refers to). */
export function campaignLinks(input: { subject: string; preheader: string; body_md: string }): string[] {
  return compileCampaign(input).links;
}

export interface Personalisation {
  data: MergeData;
  /** The URL each link points to in this copy (the click redirect, or the link itself). */
  linkUrl: (index: number) => string;
  unsubscribeUrl: string;
  /** The open pixel's URL, or null without tracking. */
  openPixelUrl: string | null;
}

function mergeValue(slot: MergeSlot, data: MergeData): string {
  const value = data[slot.field]?.trim();
  return value ? value : slot.fallback;
}

/** One recipient's subject, HTML and text. Pure. */
export function personalise(compiled: CompiledCampaign, p: Personalisation): { subject: string; html: string; text: string } {
  const fill = (template: string, isHtml: boolean) =>
    template.replace(PLACEHOLDER, (_all, kind: string | undefined, index: string | undefined, special: string | undefined) => {
      const k = (kind ?? special ?? '').toLowerCase();
      if (k === 'merge') {
        const value = mergeValue(compiled.merges[Number(index)]!, p.data);
        return isHtml ? escapeHtml(value) : value;
      }
      if (k === 'link') return isHtml ? escapeHtml(p.linkUrl(Number(index))) : p.linkUrl(Number(index));
      if (k === 'unsub') return isHtml ? escapeHtml(p.unsubscribeUrl) : p.unsubscribeUrl;
      return p.openPixelUrl && isHtml ? `<img src="${escapeHtml(p.openPixelUrl)}" width="1" height="1" alt="" style="display:block;border:0">` : '';
    });
  // A header cannot hold a line break: a value with one would forge headers.
  const subject = fill(compiled.subject, false).replace(/[\r\n]+/g, ' ');
  return { subject, html: fill(compiled.html, true), text: fill(compiled.text, false) };
}
