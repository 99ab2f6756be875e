/**
 * analyzeText throughput on 1 KB messages (import needs 10,000 messages/s overall, so text
 * analysis must be well above that). Half inbound, half outbound, with quoted history, a
 * signature and a few competitors, as a real mailbox has.
 */
import { analyzeText } from '../src/text/index.js';
import { QUICK, record } from './report.js';

const OWN = [
  'Hi Sam,\n\nHow was the conference? Thanks for the update on the rollout, the numbers look great. ',
  'Could you send the invoice for March? We are also looking at Acme for the renewal. ',
  'Quick tip: the export button now handles 10k rows. Thought you would find it useful! ',
  'We launched the new store last week and the team is thrilled. The pricing page is live. ',
];
const QUOTE = '\n\nOn Mon, 3 Mar 2025 at 10:00, Alex Example <alex@example.com> wrote:\n> ';

function message(i: number): string {
  let own = '';
  while (own.length < 550) own += OWN[(i + own.length) % OWN.length];
  let text = `${own}\n\nBest,\nJo\n-- \nJo Example | Example Ltd${QUOTE}`;
  while (text.length < 1024) text += `Earlier message line ${i} about the project plan and dates.\n> `;
  return text.slice(0, 1024);
}

const messages = Array.from({ length: 1000 }, (_, i) => message(i));
const opts = { competitors: ['Acme', 'Big Corp', 'monday.com'], knowledgeUrls: ['https://example.com/guide'] };

for (let i = 0; i < 2000; i++) analyzeText(messages[i % 1000]!, i % 2 ? 'in' : 'out', opts); // warm-up

// CPU time as well as wall time: on a shared machine the wall figure mostly measures the neighbours.
const N = QUICK ? 10_000 : 50_000;
const start = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < N; i++) analyzeText(messages[i % 1000]!, i % 2 ? 'in' : 'out', opts);
const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - start) / 1000;
const cpuS = (cpu.user + cpu.system) / 1e6;
const rate = (s: number) => Math.round(N / s).toLocaleString('en');
record({ name: 'analyzeText, 1 KB messages', value: N / wall, unit: 'msgs/s' });
console.log(`analyzeText: ${N} messages of 1 KB: wall ${wall.toFixed(2)} s = ${rate(wall)} messages/s; CPU ${cpuS.toFixed(2)} s = ${rate(cpuS)} messages/s`);
