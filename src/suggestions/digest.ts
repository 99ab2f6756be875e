/** The daily digest (SPEC §6): the day's top suggestions as a plain-text message. Pure. */
import { DateTime } from 'luxon';
import type { Suggestion } from './suggestions.schema.js';

export interface Digest {
  subject: string;
  text: string;
}

const LABEL: Record<Suggestion['kind'], string> = {
  reply: 'Reply',
  keep_promise: 'Keep a promise',
  reconnect: 'Reconnect',
  share_knowledge: 'Share',
  surprise: 'Surprise',
  compliment: 'Compliment',
  check_in: 'Check in',
  follow_interest: 'Follow their interest',
};

export function renderDigest(items: Suggestion[], workspaceName: string, now: number, zone: string): Digest {
  const date = DateTime.fromMillis(now, { zone }).toFormat('cccc d LLLL');
  const subject = items.length === 0 ? `Rapport, ${date}: nothing needs you today` : `Rapport, ${date}: ${items.length} thing${items.length === 1 ? '' : 's'} to do today`;
  const lines = [`${workspaceName} — ${date}`, ''];
  if (items.length === 0) lines.push('Nothing needs you today. Enjoy it.');
  items.forEach((s, i) => {
    lines.push(`${i + 1}. ${LABEL[s.kind]}: ${s.contact.name}${s.contact.email ? ` <${s.contact.email}>` : ''}  [${s.priority}]`);
    lines.push(`   ${s.reason}`);
    if (s.draft) lines.push(`   Draft: ${s.draft.replace(/\s*\n+\s*/g, ' ')}`);
    lines.push(`   rapport today done ${s.id}   ·   snooze ${s.id} --until …   ·   dismiss ${s.id}`, '');
  });
  return { subject, text: `${lines.join('\n').trimEnd()}\n` };
}
