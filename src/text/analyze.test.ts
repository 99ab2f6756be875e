import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze.js';

const opts = { competitors: ['Acme'] };
const REPLY = 'Thanks, this is great!\n\nOn Mon, 3 Mar 2025 at 10:00, Me <me@x.com> wrote:\n> How is Acme treating you? Please send the invoice.\n';

describe('analyzeText', () => {
  it('inbound: sentiment, achievements and closer; no tags', () => {
    const a = analyzeText(REPLY, 'in', opts);
    expect(a).toMatchObject({
      ownText: 'Thanks, this is great!',
      specOwnText: 'Thanks, this is great!',
      wordCount: 4,
      isCloser: true,
      tags: [],
      competitorMentions: [],
      achievements: [],
      hasQuestion: false,
    });
    expect(a.sentiment).toBeGreaterThan(0.5);
  });

  it('outbound: tags, no sentiment, no achievements', () => {
    const a = analyzeText('How was the launch? We launched ours too! https://k.io/a', 'out', { ...opts, knowledgeUrls: ['https://k.io/a'] });
    expect(a.sentiment).toBeNull();
    expect(a.achievements).toEqual([]);
    expect(a.tags.map((t) => t.origin)).toEqual(['rule:interest.how-is', 'rule:knowledge.link', 'rule:enthusiasm.exclamation']);
    expect(a.hasQuestion).toBe(true);
  });

  it('internal notes get neither sentiment nor tags', () => {
    const a = analyzeText('Great call, they love Acme! Could you send pricing?', 'internal', opts);
    expect(a.sentiment).toBeNull();
    expect(a.tags).toEqual([]);
    expect(a.competitorMentions).toEqual(['Acme']);
  });

  it('counts competitors and achievements in own text only', () => {
    const a = analyzeText('We got promoted! Also looking at ACME.\n\n> Acme is old news', 'in', opts);
    expect(a.competitorMentions).toEqual(['Acme']);
    expect(a.achievements.map((x) => x.rule)).toEqual(['achievement.promotion']);
    expect(analyzeText('Sure.\n> Acme?', 'in', opts).competitorMentions).toEqual([]);
  });

  it('a question is not a closer', () => {
    const a = analyzeText('Thanks! Can we talk on Friday?', 'in', opts);
    expect(a.isCloser).toBe(false);
    expect(a.hasQuestion).toBe(true);
  });

  it('a "?" only in a URL is not a question', () => {
    expect(analyzeText('Done: https://x.com/?q=1', 'in', opts).hasQuestion).toBe(false);
  });

  it('empty text', () => {
    expect(analyzeText('', 'in', opts)).toEqual({
      ownText: '',
      specOwnText: '',
      wordCount: 0,
      isCloser: false,
      sentiment: null,
      tags: [],
      competitorMentions: [],
      achievements: [],
      hasQuestion: false,
    });
  });
});
