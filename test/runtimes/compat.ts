// Compatibility records: each runtime suite writes what it found and what passed to
// test/artifacts/compat/<id>.json; scripts/runtimes/compat-table.mjs renders README's table.

import { mkdirSync, writeFileSync } from 'node:fs';
import type { RunnerTask } from 'vitest';

export const COMPAT_DIR = new URL('../artifacts/compat/', import.meta.url);

export interface CompatRow {
  /** The table column: PyTorch fixtures per build, the pool, a whole suite, anything else. */
  kind: 'fixtures' | 'pool' | 'suite' | 'other';
  /** What ran: "relaxed" (a build), "isolated page", "seed examples"... */
  label: string;
  passed: number;
  total: number;
  /** Short facts: "2 workers", "fallback, same results", "not validated: init() refuses it". */
  note?: string;
}

export interface CompatRecord {
  /** Row order in the table. */
  order: number;
  /** The test file that ran the checks. */
  source: string;
  /** Its tests for this runtime: how many passed, of how many. */
  tests: { passed: number; total: number };
  runtime: string;
  version: string;
  /** The build init() picks by default there. */
  defaultBuild: string;
  /** The builds the engine validates, best first. */
  validated: string[];
  rows: CompatRow[];
}

/** Collects rows during a test file and writes the record after it (only passing checks add rows). */
export class Compat {
  rows: CompatRow[] = [];
  runtime = '';
  version = '';
  defaultBuild = '';
  validated: string[] = [];
  /** `order`: the row's place in the table; `source`: the test file that ran the checks. */
  constructor(readonly id: string, readonly order: number, readonly source: string) {}

  add(kind: CompatRow['kind'], label: string, passed: number, total: number, note?: string): void {
    this.rows.push({ kind, label, passed, total, ...(note ? { note } : {}) });
  }

  /** Writes the record; `suite` is what afterAll hands its listener (its tests are counted). */
  write(suite: { tasks: readonly RunnerTask[] }): void {
    if (!this.runtime) return; // the runtime never started: nothing to record (the suite failed)
    const tests = { passed: 0, total: 0 };
    const walk = (tasks: readonly RunnerTask[]): void => {
      for (const t of tasks) {
        if (t.type === 'suite') walk(t.tasks);
        else if (t.type === 'test') {
          tests.total++;
          if (t.result?.state === 'pass') tests.passed++;
        }
      }
    };
    walk(suite.tasks);
    mkdirSync(COMPAT_DIR, { recursive: true });
    const record: CompatRecord = {
      order: this.order, source: this.source, tests, runtime: this.runtime, version: this.version, defaultBuild: this.defaultBuild,
      validated: this.validated, rows: this.rows,
    };
    writeFileSync(new URL(`${this.id}.json`, COMPAT_DIR), `${JSON.stringify(record, null, 1)}\n`);
  }
}
