#!/usr/bin/env node
// The `upsample-wasm` command (package.json `bin`); see src/cli/run.ts.

import { runCli } from './cli/run.js';

// A reader that stops early (`upsample-wasm ... --verbose | head -1`) closes the pipe. The files
// are the job and the report is secondary, so the run goes on and finishes them without it
// (rather than dying on an unhandled EPIPE with temporary files left behind).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const { code } = await runCli(process.argv.slice(2));
process.exitCode = code;
