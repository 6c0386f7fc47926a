#!/usr/bin/env node
// `npm run fuzz:decoders [-- count seed]`: the command's decoder fuzzing (test/cli-hostile.test.ts)
// with more cases (default 30,000) and a random seed, printed so a failure can be replayed.
import { spawnSync } from 'node:child_process';

const count = process.argv[2] ?? '30000';
const seed = process.argv[3] ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`decoder fuzzing: ${count} cases, seed ${seed}`);
const run = spawnSync('npx', ['vitest', 'run', 'test/cli-hostile.test.ts', '-t', 'seeded mutations'], {
  stdio: 'inherit', env: { ...process.env, FUZZ_DECODERS_COUNT: count, FUZZ_DECODERS_SEED: seed },
});
process.exit(run.status ?? 1);
