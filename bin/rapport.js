#!/usr/bin/env -S node --max-semi-space-size=4
// A young generation of 4 MiB semi-spaces (V8's default lets it grow to 16): a 1 GB mail import
// peaks some 40 MiB lower, for a few percent of speed (see bench/import.bench.ts).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
