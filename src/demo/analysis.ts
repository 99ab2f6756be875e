/**
 * Runs the text engine over each template once, in each direction, with representative
 * placeholder values, and keeps the result. Generating millions of messages must never run NLP
 * per message; the fill values (names, places, products) are words no rule reads, so the
 * analysis of the template is the analysis of every message made from it.
 */
import type { BehaviorTag, Tag } from '../interactions/interactions.schema.js';
import { analyzeText } from '../text/index.js';
import { ALL_TEMPLATE_GROUPS, fill, type Template } from './templates.js';

export interface TemplateAnalysis {
  /** Manual tags first, then the tags detected in outbound text; one entry per tag. */
  tags: BehaviorTag[];
  /** Inbound text only. */
  sentiment: number | null;
  isCloser: boolean;
}

export const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  first: 'Alex',
  me: 'Sam',
  company: 'Northwind Studio',
  product: 'annual plan',
  competitor: 'Globex',
  topic: 'sailing',
  url: 'https://rapport-demo.example/kb/anchorages',
  place: 'Lisbon',
  inv: 'INV-1042',
};

export interface Analyses {
  get(template: Template, direction: 'in' | 'out'): TemplateAnalysis | undefined;
}

export function analyzeTemplates(options: { competitors: string[]; knowledgeUrls: string[] }): Analyses {
  const byDirection = { in: new WeakMap<Template, TemplateAnalysis>(), out: new WeakMap<Template, TemplateAnalysis>() };
  for (const group of Object.values(ALL_TEMPLATE_GROUPS)) {
    for (const template of group) {
      const text = fill(template.text, SAMPLE_VALUES);
      for (const direction of ['in', 'out'] as const) {
        const analysis = analyzeText(text, direction, options);
        const tags = new Map<Tag, string>();
        for (const behavior of template.manual ?? []) tags.set(behavior, 'manual');
        for (const t of analysis.tags) if (!tags.has(t.behavior)) tags.set(t.behavior, t.origin);
        byDirection[direction].set(template, {
          tags: [...tags].map(([behavior, origin]) => ({ behavior, origin })),
          sentiment: analysis.sentiment,
          isCloser: analysis.isCloser,
        });
      }
    }
  }
  return { get: (template, direction) => byDirection[direction].get(template) };
}
