/** Playwright global teardown: the web server's data folder goes with the run, also after failures. */
import { rmSync } from 'node:fs';

export default function teardown(): void {
  const data = process.env.RAPPORT_E2E_DATA;
  if (data) rmSync(data, { recursive: true, force: true });
}
