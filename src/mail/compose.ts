/**
 * Pure parts of sending: Markdown to HTML (raw HTML in the Markdown is shown as text, not
 * interpreted) and plain text, the reply headers of RFC 5322 §3.6.4, and the "Re:" subject.
 */
import { convert } from 'html-to-text';
import { Marked } from 'marked';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const markdown = new Marked({ gfm: true, breaks: false, renderer: { html: ({ text }) => escapeHtml(text) } });

export function renderMarkdown(source: string): { html: string; text: string } {
  const html = markdown.parse(source, { async: false });
  return { html, text: convert(html, { wordwrap: 78, selectors: [{ selector: 'a', options: { hideLinkIfSameAsText: true } }] }) };
}

/** "Re: " before the subject unless it already starts with a reply prefix. */
export function replySubject(subject: string | null | undefined): string {
  const s = (subject ?? '').trim();
  return /^(re|aw|sv|antw)\s*(\[\d+\])?\s*:/i.test(s) ? s : `Re: ${s}`.trim();
}

/** In-Reply-To is the parent's Message-ID; References its References (or else In-Reply-To) plus it. */
export function replyHeaders(parent: { messageId: string; references: string[]; inReplyTo: string | null }): { inReplyTo: string; references: string[] } {
  const chain = parent.references.length > 0 ? parent.references : parent.inReplyTo ? [parent.inReplyTo] : [];
  return { inReplyTo: parent.messageId, references: [...chain.filter((r) => r !== parent.messageId), parent.messageId] };
}
