/**
 * The draft coach (SPEC §6): reads a reply being written and says which behaviours it
 * shows, which this relationship has been missing, and what to mind given the context (a
 * long wait, their open questions, the give/ask ledger). Pure: tags come from the injected
 * detector (the text module's rules), everything else from plain data.
 */
import type { BehaviorTag, Tag } from '../interactions/interactions.schema.js';

export interface CoachContext {
  name: string;
  stage: string;
  /** Outbound interactions per behaviour in 180 days (§4.5); null before the first scoring. */
  behaviors_180d: Record<string, number> | null;
  gives_180d: number;
  asks_180d: number;
  wait: { wait_business_s: number; nudges: number } | null;
  business_day_s: number;
  /** Their last message's own text. */
  last_inbound: string | null;
}

export interface CoachReport {
  shows: Tag[];
  missing: Tag[];
  advice: string[];
}

const GIVE_TAGS: Tag[] = ['interest', 'compliment', 'knowledge', 'surprise', 'heroics'];
const DRAFTABLE: Tag[] = ['interest', 'compliment', 'knowledge', 'enthusiasm'];
const STOP = new Set(
  'about above after again also been before being could does doing from have here just know like make more much need only other over please really should some such than that their them then there these they this those very want what when where which while will with would your yours'.split(' '),
);
const ACKNOWLEDGES = /\b(sorry|apolog|patience|the wait|waiting|delay|slow (?:reply|response)|late reply|took me)\w*/i;

function keywords(question: string): string[] {
  return (question.toLowerCase().match(/[\p{L}\p{N}']{4,}/gu) ?? []).filter((w) => !STOP.has(w));
}

export function questionsIn(text: string): string[] {
  return (text.match(/[^.!?\n]*\?/g) ?? []).map((q) => q.trim()).filter((q) => q.length > 3);
}

export function coachDraft(draft: string, ctx: CoachContext, detectTags: (text: string) => BehaviorTag[]): CoachReport {
  const first = ctx.name.split(/\s+/)[0] ?? ctx.name;
  const shows = [...new Set(detectTags(draft).map((t) => t.behavior))];
  const used = ctx.behaviors_180d ?? {};
  const missing = DRAFTABLE.filter((b) => !shows.includes(b) && !(used[b] ?? 0));
  const advice: string[] = [];
  const lower = draft.toLowerCase();

  if (ctx.wait && (ctx.wait.wait_business_s >= ctx.business_day_s || ctx.wait.nudges > 0) && !ACKNOWLEDGES.test(draft)) {
    const days = Math.round((ctx.wait.wait_business_s / ctx.business_day_s) * 10) / 10;
    const again = ctx.wait.nudges > 0 ? ` and wrote again ${ctx.wait.nudges === 1 ? 'once' : `${ctx.wait.nudges} times`}` : '';
    advice.push(`${first} has waited ${days} business day${days === 1 ? '' : 's'}${again}: acknowledge the wait first ("Sorry to keep you waiting…").`);
  }
  for (const q of questionsIn(ctx.last_inbound ?? '')) {
    const words = keywords(q);
    if (words.length > 0 && !words.some((w) => lower.includes(w))) advice.push(`Answer their question: "${q}"`);
  }
  const gives = shows.filter((t) => GIVE_TAGS.includes(t));
  if (shows.includes('ask') && gives.length === 0 && ctx.gives_180d < 3 * Math.max(1, ctx.asks_180d)) {
    advice.push(
      `This draft asks something of ${first}, and ${ctx.gives_180d === 0 ? 'you have given nothing in 180 days' : `in 180 days you gave ${ctx.gives_180d} time${ctx.gives_180d === 1 ? '' : 's'} for ${ctx.asks_180d} ask${ctx.asks_180d === 1 ? '' : 's'}`}: give before you ask (a useful tip, a sincere compliment, a question about them).`,
    );
  }
  if ((ctx.stage === 'honeymoon' || ctx.stage === 'prospect') && !shows.includes('interest')) {
    advice.push(`Early in a relationship, ask about ${first}: their preferences, what they expect, how it is going.`);
  }
  if (advice.length === 0) advice.push('Looks good: it answers what is open and keeps the relationship warm.');
  return { shows, missing, advice };
}
