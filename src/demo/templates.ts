/**
 * The texts of demo mail. Each template is analysed once (tags, sentiment, closer) by the text
 * engine and the result is reused for every message made from it: placeholders are filled with
 * names, products and places only, which the rules do not read. Texts are written to exercise
 * the rules of SPEC §4.1 and §4.6: closers, nudges, competitor mentions, achievements, and the
 * seven behaviours plus asks.
 */
import type { Tag } from '../interactions/interactions.schema.js';

export interface Template {
  subject?: string;
  text: string;
  /** Tags a person would set by hand (heroics and surprise are never detected). */
  manual?: Tag[];
}

/** Inbound questions that open a wait. */
export const IN_QUESTIONS: Template[] = [
  { subject: 'Quote for the {product}', text: 'Hi {me}, could you send me the updated quote for the {product}? We would like to decide this week.' },
  { subject: 'Question about exports', text: 'Quick question: does the {product} support exports to Excel? Our team keeps asking me about it.' },
  { subject: 'Onboarding session', text: 'Hello {me}, when can we schedule the onboarding session for our two new colleagues?' },
  { subject: 'Delivery last week', text: 'Hi, the last delivery arrived two days late. Can you tell me what happened and whether it will happen again?' },
  { subject: 'Meeting on Thursday', text: 'Can we move Thursday’s meeting to Friday morning? Something came up on our side.' },
  { subject: 'Extra seats', text: 'Is there a way to add three more seats to our plan before the end of the month?' },
  { subject: 'Planning next quarter', text: 'We are planning next quarter. Do you have time for a call next week to go through the roadmap?' },
  { subject: 'Recommendation', text: 'Hi {me}, what would you recommend for a team of our size? We are growing faster than expected.' },
  { subject: 'Invoice {inv}', text: 'Hello, invoice {inv} shows a different amount from the order. Could you check it for me?' },
  { subject: 'Training materials', text: 'Do you have the training slides from last session? I would like to share them with the new starters.' },
];

/** Inbound mail that names a competitor (SPEC §4.3); also opens a wait. */
export const IN_COMPETITOR: Template[] = [
  { subject: 'Renewal', text: '{competitor} offered us a similar package for 20% less. Is there any flexibility on your side before we renew?' },
  { subject: 'Comparing offers', text: 'To be transparent, we are also talking to {competitor}. What makes your offer different?' },
  { subject: 'Proposal comparison', text: 'Our finance director asked me to compare your renewal with the {competitor} proposal. Can you send the details?' },
];

/** Inbound news worth a compliment (SPEC §6 compliment). */
export const IN_ACHIEVEMENT: Template[] = [
  { subject: 'Big news', text: 'Big news: we just launched our new product line this morning! Would love to hear what you think.' },
  { subject: 'We won!', text: 'We just won the regional business award for our shop. Honestly, your support helped a lot along the way.' },
  { subject: 'Second location', text: 'We finally opened our second location today. Come and visit when you are next in town, will you?' },
];

/** Inbound mail from an unhappy customer. */
export const IN_UNHAPPY: Template[] = [
  { subject: 'Response times', text: 'Honestly, we are disappointed with the response times lately. It took a week to get an answer. Can we talk?' },
  { subject: 'Problems again', text: 'The same error came back again today and my team is frustrated. Why does this keep happening?' },
];

/** Inbound nudges: written while still waiting for an answer. */
export const IN_NUDGES: Template[] = [
  { text: 'Any update on this?' },
  { text: 'Just following up on my message below. Could you let me know?' },
  { text: 'Hi again, did you get a chance to look at this?' },
  { text: 'Sorry to chase, but we need an answer by Friday. Any news?' },
];

/** Inbound closers (SPEC §4.1): short thanks that start no wait. */
export const IN_CLOSERS: Template[] = [
  { text: 'Thanks, perfect!' },
  { text: 'Great, thank you!' },
  { text: 'Perfect, thanks a lot.' },
  { text: 'Ok, cheers!' },
  { text: 'Thank you, that works for us.' },
];

/** Inbound follow-ups that reopen a wait inside the thread. */
export const IN_FOLLOW_UPS: Template[] = [
  { text: 'Thanks! One more thing: can you include the shipping costs as well?' },
  { text: 'That helps. Would the same apply to our office in {place}?' },
  { text: 'Looks good. Who should I contact for the technical setup?' },
];

/** Outbound answers; the behaviours vary so that care and reciprocity vary. */
export const OUT_REPLIES: Template[] = [
  { text: 'Hi {first}, here is the updated information. Let me know if anything is unclear.' },
  { text: 'Hi {first}, sorted. How was the trip to {place}? What do you think of the new layout?' },
  { text: 'Hi {first}, done. By the way, your presentation last week was excellent, really well structured.' },
  { text: 'Hi {first}, here you go. Quick tip: you can export the monthly report from the dashboard. Did you know it also works on mobile?' },
  { text: 'Great news, {first}! The new seats are active. We are thrilled to have your team on board!' },
  { text: 'Done! The spreadsheet survived, barely. Our printer did not, haha 😄' },
  { text: 'Hi {first}, here is the information. Could you please send the signed order form? The invoice follows tomorrow.' },
  { text: 'Hi {first}, I checked with the team and it is fixed. Would you prefer a short call to walk through it?' },
  { text: 'Hi {first}, the courier picked it up this morning. I drove the spare part over myself so you have it before your launch.', manual: ['heroics'] },
  { text: 'Hi {first}, thanks for your patience. Your team spotted this before anyone else did, impressive work.' },
];

/** Outbound mail that starts a thread. */
export const OUT_CHECK_INS: Template[] = [
  { subject: 'Checking in', text: 'Hi {first}, how are things going with the {product}? Would you prefer a short call or an email summary next month?' },
  { subject: 'How is it going?', text: 'Hi {first}, how was the first month with the new setup? What do you think we should improve?' },
  { subject: 'Quick hello', text: 'Hi {first}, it has been a while. How is the team at {company} doing?' },
];

export const OUT_TIPS: Template[] = [
  { subject: 'Thought of you', text: 'Hi {first}, thought you’d find this useful, given your interest in {topic}: {url}' },
  { subject: 'A tip on {topic}', text: 'Hi {first}, a quick tip for your {topic} plans. This article is the best I have read: {url}' },
];

export const OUT_HEADS_UP: Template[] = [
  { subject: 'Heads-up on prices', text: 'Heads-up: prices for the {product} change on the 1st. If you renew this month you keep the current rate.' },
];

export const OUT_ASKS: Template[] = [
  { subject: 'Invoice {inv}', text: 'Hi {first}, please send the payment for invoice {inv} when you can. Thank you.' },
  { subject: 'Annual plan', text: 'Hi {first}, could you consider an upgrade to the annual plan? It would save you 15% on pricing.' },
  { subject: 'Renewal', text: 'Hi {first}, your contract is up for renewal next month. Could you confirm the number of seats?' },
];

export const OUT_CONGRATS: Template[] = [
  { subject: 'Congratulations!', text: 'Congratulations on the news, {first}! Your team did an impressive job.' },
];

/** Personal relationships: friends and family. */
export const IN_PERSONAL: Template[] = [
  { subject: 'Saturday?', text: 'Are you free on Saturday for a walk by the river?' },
  { subject: 'Dinner', text: 'We are cooking on Friday, do you want to join us?' },
  { subject: 'Photos', text: 'Here are the photos from the weekend! Which one is your favourite?' },
];

export const OUT_PERSONAL: Template[] = [
  { subject: 'Catching up', text: 'Hey {first}, how was the concert? Fancy dinner next week?' },
  { subject: 'Ha!', text: 'Haha, that photo made my day 😂 You look great in it.' },
  { subject: 'Happy birthday!', text: 'Happy birthday, {first}! Hope you have a wonderful day.' },
  { subject: 'Long time', text: 'Hi {first}, it has been far too long. How is everyone at home?' },
];

export const CALL_NOTES: Template[] = [
  { subject: 'Call: quarterly review', text: 'Went through the quarter with {first}. They want a simpler report and a follow-up in a month.' },
  { subject: 'Call: renewal', text: 'Talked about the renewal and the {product}. {first} will confirm the budget next week.' },
  { subject: 'Call: catch-up', text: 'Caught up with {first} about {topic} and the plans at {company}.' },
];

export const MEETING_NOTES: Template[] = [
  { subject: 'Workshop at {company}', text: 'Half-day workshop with {first} and the team at {company}. Agreed on the next steps.' },
  { subject: 'Lunch with {first}', text: 'Lunch with {first}. Heard about their plans for {topic}.' },
];

export const SURPRISES: Template[] = [
  { subject: 'Sent a card', text: 'Sent {first} a handwritten card and a small box of chocolates.', manual: ['surprise'] },
  { subject: 'Free upgrade', text: 'Upgraded {company} to premium support for three months at no cost.', manual: ['surprise'] },
  { subject: 'Sent a book', text: 'Sent {first} a book about {topic}.', manual: ['surprise'] },
];

export const NEWSLETTER_HEADLINES = [
  'Five ways to win back a quiet customer',
  'What our best clients have in common',
  'Pricing changes explained',
  'Customer story: a bakery that doubled its orders',
  'Our spring product update',
  'Ten questions to ask before you renew',
] as const;

export const AUTOMATED: Template[] = [
  { subject: 'Your receipt {inv}', text: 'This is an automated message. Your payment was received. Do not reply to this email.' },
  { subject: 'Out of office', text: 'I am out of the office until Monday with limited access to email.' },
];

/** Every template that is analysed, so that each is analysed exactly once. */
export const ALL_TEMPLATE_GROUPS = {
  IN_QUESTIONS, IN_COMPETITOR, IN_ACHIEVEMENT, IN_UNHAPPY, IN_NUDGES, IN_CLOSERS, IN_FOLLOW_UPS, OUT_REPLIES,
  OUT_CHECK_INS, OUT_TIPS, OUT_HEADS_UP, OUT_ASKS, OUT_CONGRATS, IN_PERSONAL, OUT_PERSONAL, CALL_NOTES, MEETING_NOTES,
  SURPRISES, AUTOMATED,
} as const;

/** Fills `{name}` placeholders; unknown names stay as written so a mistake is visible. */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
