/**
 * Pure text analysis (no I/O) for mail import, demo data, metrics and suggestions. Other
 * modules import from here only; the names and signatures below are a contract.
 */
export { achievementsInOwnText, detectAchievements } from './achievements.js';
export { analyzeText, type TextAnalysis } from './analyze.js';
export { isAutomatedMessage } from './automated.js';
export { detectTags } from './behaviors.js';
export { isCloser } from './closer.js';
export { competitorMentions } from './competitors.js';
export { ownText, specOwnText } from './own-text.js';
export { sentimentOf } from './sentiment.js';
export { normalizeSubject } from './subject.js';
export { countWords } from './words.js';
