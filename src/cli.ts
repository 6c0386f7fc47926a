#!/usr/bin/env node
// The `upsample-wasm` command (package.json `bin`); see src/cli/run.ts.

import { runCli } from './cli/run.js';

const { code } = await runCli(process.argv.slice(2));
process.exitCode = code;
