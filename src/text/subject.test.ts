import { describe, expect, it } from 'vitest';
import { normalizeSubject } from './subject.js';

describe('normalizeSubject (SPEC §3.4)', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    ['', ''],
    ['Re:', ''],
    ['Hello', 'hello'],
    ['Re: Hello', 'hello'],
    ['RE: re: Fwd: hello', 'hello'],
    ['Re[2]: Hello', 'hello'],
    ['Re [3] : Hello', 'hello'],
    ['FW: hello', 'hello'],
    ['AW: Antw: WG: SV: VS: hello', 'hello'],
    ['[users@httpd] Re: [dev] Hello', 'hello'],
    ['Re: [PATCH 1/2] fix', 'fix'],
    ['  Quarterly    review \t plan ', 'quarterly review plan'],
    ['Re：你好', '你好'],
    ['VS Code tips', 'vs code tips'],
    ['Reply needed', 'reply needed'],
    ['Hello [draft]', 'hello [draft]'],
    ['Re: Re: Re: Re: Re: Re: deep', 'deep'],
  ])('%j → %j', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });
});
