import { describe, expect, it } from 'vitest';
import { renderMarkdown, replyHeaders, replySubject } from './compose.js';

describe('composing a message', () => {
  it.each([
    ['Figures', 'Re: Figures'],
    ['Re: Figures', 'Re: Figures'],
    ['RE:Figures', 'RE:Figures'],
    ['AW: Angebot', 'AW: Angebot'],
    ['Re[2]: x', 'Re[2]: x'],
    ['', 'Re:'],
    [null, 'Re:'],
  ])('the reply subject of %j is %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });

  it('links a reply to its parent and the parent’s ancestors', () => {
    expect(replyHeaders({ messageId: '<c2@x>', references: ['<c1@x>'], inReplyTo: '<c1@x>' })).toEqual({ inReplyTo: '<c2@x>', references: ['<c1@x>', '<c2@x>'] });
    expect(replyHeaders({ messageId: '<c2@x>', references: [], inReplyTo: '<c1@x>' })).toEqual({ inReplyTo: '<c2@x>', references: ['<c1@x>', '<c2@x>'] });
    expect(replyHeaders({ messageId: '<c1@x>', references: [], inReplyTo: null })).toEqual({ inReplyTo: '<c1@x>', references: ['<c1@x>'] });
  });

  it('renders Markdown to HTML and text, showing raw HTML as text', () => {
    const { html, text } = renderMarkdown('Hi **Ada**,\n\n- one\n- two\n\n<script>alert(1)</script> [site](https://example.com)');
    expect(html).toContain('<strong>Ada</strong>');
    expect(html).toContain('<li>one</li>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(text).toContain('Hi Ada,');
    expect(text).toContain('* one');
    expect(text).toContain('https://example.com');
  });
});
