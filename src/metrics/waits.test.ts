import { describe, expect, it } from 'vitest';
import { walkThread, type ThreadMessage } from './waits.js';

const H = 3_600_000;
const GAP = 4 * H;
let n = 0;
function m(direction: 'in' | 'out', hours: number, opts: Partial<ThreadMessage> = {}): ThreadMessage {
  n += 1;
  return { id: `ix_${String(n).padStart(4, '0')}`, at: hours * H, direction, isCloser: false, senders: direction === 'in' ? ['A'] : [], ...opts };
}
const summary = (messages: ThreadMessage[]) =>
  walkThread('th', messages, GAP).map((w) => ({
    senders: w.senders,
    start: w.start / H,
    nudges: w.nudges.map((x) => x.at / H),
    repliedAt: w.repliedAt === null ? null : w.repliedAt / H,
  }));

describe('walking a thread (SPEC §4.1)', () => {
  it.each([
    ['in then out: one reply', [m('in', 0), m('out', 5)], [{ senders: ['A'], start: 0, nudges: [], repliedAt: 5 }]],
    ['out with nothing pending is no reply', [m('out', 0), m('out', 1)], []],
    ['a closer with no wait pending starts nothing', [m('out', 0), m('in', 1, { isCloser: true })], []],
    ['a closer while a wait is pending is an ordinary follow-up', [m('in', 0), m('in', 5, { isCloser: true }), m('out', 6)], [{ senders: ['A'], start: 0, nudges: [5], repliedAt: 6 }]],
    ['a follow-up exactly nudge_gap later is a nudge', [m('in', 0), m('in', 4), m('out', 9)], [{ senders: ['A'], start: 0, nudges: [4], repliedAt: 9 }]],
    ['a follow-up 1 ms short of nudge_gap is not', [m('in', 0), m('in', 4 - 1 / H), m('out', 9)], [{ senders: ['A'], start: 0, nudges: [], repliedAt: 9 }]],
    ['the gap runs from the latest inbound, not the first', [m('in', 0), m('in', 3), m('in', 6), m('out', 7)], [{ senders: ['A'], start: 0, nudges: [], repliedAt: 7 }]],
    ['two nudges', [m('in', 0), m('in', 4), m('in', 8), m('out', 9)], [{ senders: ['A'], start: 0, nudges: [4, 8], repliedAt: 9 }]],
    ['a wait still pending is open', [m('in', 0), m('out', 1), m('in', 2)], [
      { senders: ['A'], start: 0, nudges: [], repliedAt: 1 },
      { senders: ['A'], start: 2, nudges: [], repliedAt: null },
    ]],
    ['the reply time runs from the first message of the wait', [m('in', 0), m('in', 1), m('out', 25)], [{ senders: ['A'], start: 0, nudges: [], repliedAt: 25 }]],
    ['multi-party: B writing while A waits is B\'s nudge; the reply answers A', [m('in', 0, { senders: ['A'] }), m('in', 5, { senders: ['B'] }), m('out', 6)], [
      { senders: ['A'], start: 0, nudges: [5], repliedAt: 6 },
    ]],
  ])('%s', (_name, messages, expected) => {
    expect(summary(messages)).toEqual(expected);
  });

  it('gives the same waits whatever order the messages arrive in', () => {
    const messages = [m('in', 0), m('in', 4), m('out', 5), m('in', 30, { isCloser: true }), m('in', 40), m('out', 41), m('in', 50)];
    const expected = summary(messages);
    for (let k = 0; k < 20; k++) {
      const shuffled = [...messages].sort(() => Math.random() - 0.5);
      expect(summary(shuffled)).toEqual(expected);
    }
  });

  it('breaks ties in time by import order (interaction id)', () => {
    const first = { id: 'ix_a', at: 0, direction: 'in' as const, isCloser: false, senders: ['A'] };
    const second = { id: 'ix_b', at: 0, direction: 'out' as const, isCloser: false, senders: [] };
    expect(walkThread('th', [second, first], GAP)[0]?.repliedAt).toBe(0);
    const outFirst = { ...second, id: 'ix_0' };
    expect(walkThread('th', [first, outFirst], GAP)).toEqual([{ threadId: 'th', senders: ['A'], start: 0, nudges: [], repliedAt: null }]);
  });
});
