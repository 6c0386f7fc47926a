#!/usr/bin/env node
// npm run fuzz [-- <seed> [<scale>]] (an empty seed draws one): the differential fuzz tests with a random seed (or the one
// given) and FUZZ_SCALE times the cases of `npm test` (default 10). Prints the seed first, and
// on failure the seed, path and shrunk case to turn into a regression in test/fuzz.test.ts.

import { spawnSync } from 'node:child_process';

const given = (i) => (process.argv[i] ?? '') !== '';
const seed = given(2) ? Number(process.argv[2]) : Math.floor(Math.random() * 2 ** 31);
const scale = given(3) ? Number(process.argv[3]) : 10;
console.log(`fuzz: FUZZ_SEED=${seed} FUZZ_SCALE=${scale}`);
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_SCALE: String(scale) },
});
if (result.status !== 0) {
  console.error(`fuzz: FAILED with FUZZ_SEED=${seed} FUZZ_SCALE=${scale}; replay with: npm run fuzz -- ${seed} ${scale}`);
  process.exit(result.status ?? 1);
}
console.log(`fuzz: passed with FUZZ_SEED=${seed} FUZZ_SCALE=${scale}`);
