// Compatibility records: each runtime suite writes what it found and what passed to
// test/artifacts/compat/<id>.json; scripts/runtimes/compat-table.mjs renders README's table.

import { mkdirSync, writeFileSync } from 'node:fs';

export const COMPAT_DIR = new URL('../artifacts/compat/', import.meta.url);

export interface CompatRow {
  /** What ran, e.g. "fixtures, relaxed build" or "pool, cross-origin isolated". */
  suite: string;
  passed: number;
  total: number;
  /** Short facts: "2 workers, shared memory", "not validated: init({ build }) refuses". */
  note?: string;
}

export interface CompatRecord {
  /** Row order in the table. */
  order: number;
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
  constructor(readonly id: string, readonly order: number) {}

  add(suite: string, passed: number, total: number, note?: string): void {
    this.rows.push({ suite, passed, total, ...(note ? { note } : {}) });
  }

  write(): void {
    if (!this.runtime) return; // the runtime never started: nothing to record (the suite failed)
    mkdirSync(COMPAT_DIR, { recursive: true });
    const record: CompatRecord = {
      order: this.order, runtime: this.runtime, version: this.version, defaultBuild: this.defaultBuild, validated: this.validated, rows: this.rows,
    };
    writeFileSync(new URL(`${this.id}.json`, COMPAT_DIR), `${JSON.stringify(record, null, 1)}\n`);
  }
}
