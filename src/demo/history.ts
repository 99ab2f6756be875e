/**
 * One contact's history: episodes placed in time by the persona's density (dense during the
 * honeymoon, sparse for a cooling relationship, silent at the end for a neglected one), then
 * played out as threads — questions, nudges while they wait, our replies with behaviours,
 * closers, follow-ups — and calls, meetings, surprises, chat messages and newsletters.
 * Anything that would happen at or after `now` is left out, which is how open waits arise.
 */
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import { atLondonHour, intoWorkingTime, wholeSeconds, workingMomentOn } from './clock.js';
import { PLACES, PRODUCTS } from './demo.data.js';
import type { MailWriter, Thread } from './mail-writer.js';
import { PERSONA_SPECS, type EpisodeKind, type Persona, type PersonaSpec } from './personas.js';
import type { Random } from './random.js';
import * as T from './templates.js';

const HONEYMOON_MS = 90 * DAY_MS;
const NUDGE_GAP_MS = 4 * HOUR_MS;
const EXPECTED_SIZE: Record<EpisodeKind, number> = { inbound: 3, outbound: 2.2, call: 1, meeting: 1, surprise: 1, message: 1 };

export interface KnowledgeRef {
  id: string;
  url: string;
  topics: readonly string[];
}

export interface HistoryInput {
  persona: Persona;
  first: string;
  company: string | null;
  interests: readonly string[];
  start: number;
  now: number;
  competitors: readonly string[];
  knowledge: readonly KnowledgeRef[];
  /** Yearly birthday as [month 1–12, day], when known: friends get a message on the day. */
  birthday: [number, number] | null;
}

export interface HistoryResult {
  /** Times of their achievement mails (they become achievement facts). */
  achievements: number[];
  shares: { knowledgeId: string; interactionId: string; at: number }[];
}

export function writeHistory(input: HistoryInput, writer: MailWriter, rng: Random): HistoryResult {
  return new HistoryBuilder(input, writer, rng).build();
}

class HistoryBuilder {
  private readonly spec: PersonaSpec;
  private readonly honeymoonEnd: number;
  /** From here on we neither reply nor reach out (neglect). */
  private readonly silenceFrom: number;
  private readonly shared = new Set<string>();
  private readonly result: HistoryResult = { achievements: [], shares: [] };

  constructor(
    private readonly input: HistoryInput,
    private readonly w: MailWriter,
    private readonly rng: Random,
  ) {
    this.spec = PERSONA_SPECS[input.persona];
    this.honeymoonEnd = input.start + HONEYMOON_MS;
    const [lo, hi] = this.spec.silenceDays;
    this.silenceFrom = hi > 0 ? input.now - rng.int(lo, hi) * DAY_MS : Number.POSITIVE_INFINITY;
  }

  build(): HistoryResult {
    const { input, spec, rng } = this;
    if (input.persona === 'prospect') this.newsletters();
    const episodes: { at: number; kind: EpisodeKind }[] = [];
    const target = spec.budget * rng.real(0.6, 1.4);
    for (let planned = 0; planned < target; ) {
      const kind = rng.weighted(spec.mix);
      episodes.push({ at: this.sampleTime(), kind });
      planned += EXPECTED_SIZE[kind];
    }
    // The first contact is how the relationship started: an enquiry or our first mail.
    episodes.push({ at: workingMomentOn(input.start, rng), kind: rng.chance(0.6) ? 'inbound' : 'outbound' });
    episodes.sort((a, b) => a.at - b.at);
    for (const e of episodes) this.play(e.kind, e.at);
    this.ending();
    if (input.birthday && input.persona === 'personal') this.birthdayMessages(input.birthday);
    if (spec.kind === 'customer' && rng.chance(0.08)) {
      this.w.automated(rng.pick(T.AUTOMATED), this.sampleTime(), this.values());
    }
    return this.result;
  }

  private sampleTime(): number {
    const { input, spec, rng } = this;
    const d = spec.density;
    const max = Math.max(d.honeymoon, d.later, d.recent);
    for (;;) {
      const t = input.start + rng.next() * (input.now - input.start);
      const weight = t < this.honeymoonEnd ? d.honeymoon : t >= input.now - 90 * DAY_MS ? d.recent : d.later;
      if (rng.next() * max < weight) return intoWorkingTime(t, rng, input.persona === 'personal');
    }
  }

  private values(): Record<string, string> {
    const { input, rng } = this;
    return {
      first: input.first,
      me: 'Sam',
      company: input.company ?? 'home',
      product: rng.pick(PRODUCTS),
      competitor: rng.pick(input.competitors),
      topic: input.interests[0] ?? 'travel',
      url: 'https://rapport-demo.example/',
      place: rng.pick(PLACES),
      inv: `INV-${rng.int(1000, 9999)}`,
    };
  }

  private canAct(at: number): boolean {
    return at < this.silenceFrom;
  }

  private play(kind: EpisodeKind, at: number): void {
    const { rng, input } = this;
    const personal = input.persona === 'personal';
    const values = this.values();
    if (kind === 'inbound') {
      this.inboundThread(at, this.inboundTemplate(at), values);
      return;
    }
    if (!this.canAct(at)) return;
    switch (kind) {
      case 'outbound':
        this.outboundThread(at, values);
        return;
      case 'call':
        this.w.other('call', rng.chance(0.7) ? 'out' : 'in', rng.pick(T.CALL_NOTES), at, values);
        return;
      case 'meeting':
        this.w.other('meeting', 'out', rng.pick(T.MEETING_NOTES), at, values);
        return;
      case 'surprise':
        this.w.other('surprise', 'out', rng.pick(T.SURPRISES), at, values);
        return;
      case 'message': {
        const inbound = rng.chance(0.5);
        const pool = personal ? (inbound ? T.IN_PERSONAL : T.OUT_PERSONAL) : inbound ? T.IN_FOLLOW_UPS : T.OUT_REPLIES;
        this.w.other('message', inbound ? 'in' : 'out', rng.pick(pool), at, values);
        return;
      }
    }
  }

  private inboundTemplate(at: number): T.Template {
    const { rng, spec, input } = this;
    if (input.persona === 'personal') return rng.pick(T.IN_PERSONAL);
    const lateInLife = at >= input.now - 120 * DAY_MS;
    if (lateInLife && rng.chance(spec.competitorChance)) return rng.pick(T.IN_COMPETITOR);
    if (rng.chance(0.05)) return rng.pick(T.IN_ACHIEVEMENT);
    if ((input.persona === 'cooling' || input.persona === 'at_risk') && at >= this.honeymoonEnd && rng.chance(0.12)) {
      return rng.pick(T.IN_UNHAPPY);
    }
    return rng.pick(T.IN_QUESTIONS);
  }

  /** How long we take to answer a message received at `at` (log-uniform within the persona's range). */
  private replyAt(at: number): number {
    const [lo, hi] = at < this.honeymoonEnd ? this.spec.honeymoonReplyHours : this.spec.replyHours;
    const hours = Math.exp(this.rng.real(Math.log(lo), Math.log(hi)));
    return intoWorkingTime(at + hours * HOUR_MS, this.rng, this.input.persona === 'personal');
  }

  /** They write; they may nudge while they wait; we answer (unless neglecting); they may close or ask more. */
  private inboundThread(at: number, template: T.Template, values: Record<string, string>): void {
    const thread = this.w.startThread(T.fill(template.subject ?? 'Hello', values));
    if (this.w.email(thread, 'in', template, at, values) && T.IN_ACHIEVEMENT.includes(template)) this.result.achievements.push(at);
    const answered = this.waitAndReply(thread, at, values, template);
    if (answered !== null) {
      const roll = this.rng.next();
      const later = intoWorkingTime(answered + this.rng.real(0.2, 8) * HOUR_MS, this.rng);
      if (roll < 0.45) this.w.email(thread, 'in', this.rng.pick(T.IN_CLOSERS), later, values);
      else if (roll < 0.6 && this.w.email(thread, 'in', this.rng.pick(T.IN_FOLLOW_UPS), later, values)) {
        this.waitAndReply(thread, later, values, null);
      }
    }
    this.w.endThread(thread);
  }

  /** The wait that `lastIn` opened: nudges, then our reply. Returns the reply time, or null. */
  private waitAndReply(thread: Thread, lastIn: number, values: Record<string, string>, asked: T.Template | null): number | null {
    const { rng, spec } = this;
    const replyAt = this.replyAt(lastIn);
    const willReply = this.canAct(replyAt) && replyAt < this.input.now;
    const horizon = willReply ? replyAt : this.input.now;
    const nudgeChance = lastIn < this.honeymoonEnd ? spec.nudgeChance / 3 : spec.nudgeChance;
    let last = lastIn;
    for (let n = 0; n < 2 && rng.chance(n === 0 ? nudgeChance : 0.35); n++) {
      const nudgeAt = intoWorkingTime(last + NUDGE_GAP_MS + rng.real(0.5, 72) * HOUR_MS, rng);
      if (nudgeAt >= horizon || !this.w.email(thread, 'in', rng.pick(T.IN_NUDGES), nudgeAt, values)) break;
      last = nudgeAt;
    }
    if (!willReply) return null;
    const reply = this.replyTemplate(lastIn, asked);
    return this.w.email(thread, 'out', reply, Math.max(replyAt, last + 60_000), values) ? Math.max(replyAt, last + 60_000) : null;
  }

  private replyTemplate(at: number, asked: T.Template | null): T.Template {
    const { rng, input } = this;
    if (asked && T.IN_ACHIEVEMENT.includes(asked) && input.persona !== 'cooling') return T.OUT_CONGRATS[0]!;
    const caring = at < this.honeymoonEnd || input.persona === 'thriving' || input.persona === 'honeymoon' || input.persona === 'personal';
    if (caring || rng.chance(0.35)) return rng.pick(T.OUT_REPLIES);
    // After the honeymoon a cooling relationship gets the bare answer, or an ask.
    return rng.chance(0.7) ? T.OUT_REPLIES[0]! : T.OUT_REPLIES[6]!;
  }

  /** We write first; they may answer with thanks or with a question that needs a reply. */
  private outboundThread(at: number, values: Record<string, string>): void {
    const { rng } = this;
    const template = this.outboundTemplate(at, values);
    const thread = this.w.startThread(T.fill(template.subject ?? 'Hello', values));
    const id = this.w.email(thread, 'out', template, at, values);
    if (id && values.knowledge_id) {
      this.shared.add(values.knowledge_id);
      this.result.shares.push({ knowledgeId: values.knowledge_id, interactionId: id, at });
    }
    if (id && rng.chance(0.55)) {
      const answerAt = intoWorkingTime(at + rng.real(1, 72) * HOUR_MS, rng);
      const question = rng.chance(0.5);
      const answer = question ? rng.pick(T.IN_FOLLOW_UPS) : rng.pick(T.IN_CLOSERS);
      if (this.w.email(thread, 'in', answer, answerAt, values) && question) this.waitAndReply(thread, answerAt, values, null);
    }
    this.w.endThread(thread);
  }

  private outboundTemplate(at: number, values: Record<string, string>): T.Template {
    const { rng, input } = this;
    if (input.persona === 'personal') return rng.pick(T.OUT_PERSONAL);
    const giving = at < this.honeymoonEnd || input.persona === 'thriving' || input.persona === 'honeymoon';
    const roll = rng.next();
    if (roll < (giving ? 0.35 : 0.15)) {
      const item = input.knowledge.find((k) => !this.shared.has(k.id) && k.topics.some((t) => input.interests.includes(t)));
      if (item) {
        values.topic = item.topics.find((t) => input.interests.includes(t)) ?? values.topic!;
        values.url = item.url;
        values.knowledge_id = item.id;
        return rng.pick(T.OUT_TIPS);
      }
      return T.OUT_HEADS_UP[0]!;
    }
    if (roll < (giving ? 0.75 : 0.4)) return rng.pick(T.OUT_CHECK_INS);
    return rng.pick(T.OUT_ASKS);
  }

  /** The last weeks, written on purpose so that every persona shows what it stands for. */
  private ending(): void {
    const { rng, input } = this;
    const now = input.now;
    if (input.persona === 'at_risk') {
      // A competitor's offer, a nudge, and no answer: the open wait that costs a customer.
      const at = intoWorkingTime(now - rng.real(4, 20) * DAY_MS, rng);
      const values = this.values();
      const template = rng.pick(T.IN_COMPETITOR);
      const thread = this.w.startThread(T.fill(template.subject ?? 'Renewal', values));
      this.w.email(thread, 'in', template, at, values);
      this.w.email(thread, 'in', rng.pick(T.IN_NUDGES), intoWorkingTime(at + rng.real(1, 3) * DAY_MS, rng), values);
      this.w.endThread(thread);
    } else if (input.persona === 'cooling' && rng.chance(0.6)) {
      this.inboundThread(intoWorkingTime(now - rng.real(0.5, 8) * DAY_MS, rng), rng.pick(T.IN_QUESTIONS), this.values());
    } else if ((input.persona === 'thriving' || input.persona === 'steady') && rng.chance(0.25)) {
      this.inboundThread(wholeSeconds(now - rng.real(0.5, 20) * HOUR_MS), rng.pick(T.IN_QUESTIONS), this.values());
    }
  }

  /** Weekly newsletter issues (Tuesdays 10:00) since they subscribed; not touches (SPEC §2). */
  private newsletters(): void {
    const { input } = this;
    const week = 7 * DAY_MS;
    const firstTuesday = Date.UTC(2020, 0, 7);
    for (let issue = Math.ceil((input.start - firstTuesday) / week); ; issue++) {
      const at = wholeSeconds(atLondonHour(firstTuesday + issue * week, 10));
      if (at >= input.now) break;
      const headline = T.NEWSLETTER_HEADLINES[issue % T.NEWSLETTER_HEADLINES.length]!;
      const template: T.Template = { subject: `Rapport Weekly #${issue}: ${headline}`, text: `${headline}. Read the full issue online.` };
      this.w.other('newsletter', 'out', template, at, {});
    }
  }

  private birthdayMessages([month, day]: [number, number]): void {
    const startYear = new Date(this.input.start).getUTCFullYear();
    const endYear = new Date(this.input.now).getUTCFullYear();
    for (let year = startYear; year <= endYear; year++) {
      const at = wholeSeconds(Date.UTC(year, month - 1, day, 8, this.rng.int(0, 59)));
      if (at >= this.input.start && at < this.input.now) this.w.other('message', 'out', T.OUT_PERSONAL[2]!, at, { first: this.input.first });
    }
  }
}
