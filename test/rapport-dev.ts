/** Runs the CLI from source (tests spawn it with `node --import tsx`), exactly as bin/rapport.js runs the build. */
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
