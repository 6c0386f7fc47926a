// What staging a call in linear memory gives: its kernel calls as records, in order, and the
// address its output lands at. The synchronous executor runs the records; the pool cuts them
// into chunks for its workers (src/pool/split.ts).

import type { KernelCall } from '../kernels.js';

export interface Staged {
  calls: KernelCall[];
  dst: number;
}
