import { describe, expect, it } from 'vitest';
import { competitorMentions } from './competitors.js';

describe('competitorMentions (SPEC §4.3)', () => {
  const names = ['Acme', 'Big Corp', 'monday.com', 'C++ Labs', 'AT&T', 'Zoë', '.NET Shop', ''];
  it.each([
    ['We are looking at Acme too', ['Acme']],
    ['ACME sent a quote', ['Acme']],
    ['acme, big corp and Monday.com', ['Acme', 'Big Corp', 'monday.com']],
    ['Big\n  Corp called', ['Big Corp']],
    ['Acmeville is a town', []],
    ['The acme-like tools', ['Acme']],
    ["Acme's offer", ['Acme']],
    ['BigCorp', []],
    ['mondayXcom', []],
    ['c++ labs quoted', ['C++ Labs']],
    ['AT&T and at&t', ['AT&T']],
    ['zoë called', ['Zoë']],
    ['Zoëlle', []],
    ['the .net shop', ['.NET Shop']],
    ['', []],
  ])('%j → %j', (text, expected) => {
    expect(competitorMentions(text, names)).toEqual(expected);
  });

  it('returns each name once, in settings order', () => {
    expect(competitorMentions('Big Corp, Acme, acme', ['Acme', 'Big Corp', 'Acme'])).toEqual(['Acme', 'Big Corp']);
  });
});
