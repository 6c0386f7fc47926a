// What staging a call in linear memory gives: its kernel calls as records, in order, and the
// address its output lands at. The synchronous executor runs the records; the pool cuts them
// into chunks for its workers (src/pool/split.ts).

import type { KernelCall } from '../kernels.js';
import type { Runs } from '../tiling/runs.js';

export interface Staged {
  calls: KernelCall[];
  dst: number;
  /** A band's output, packed at `dst`: its places in the job's output (else the whole output lands at `dst`). */
  runs?: Runs;
}
