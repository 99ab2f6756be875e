/** Runtime constants shared with the server that the web app may bundle (plain arrays only). */
export { FACTOR_NAMES } from '../../src/metrics/metrics.types.js';
export type { ContactHealth } from '../../src/metrics/metrics.types.js';
