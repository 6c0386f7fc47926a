// Tiling: a call whose buffers do not fit the memory budget runs as a sequence of smaller calls
// (tiles) that each do: copy a band of input in, compute, copy out into the caller's array. It
// lives once, here, for every executor that stages in WebAssembly memory (the synchronous one and
// the pool's scheduler); each family only describes how its plan splits (./families.ts).
//
// Tiles are whole planes (the outer N*C, or conv's batch) where one plane fits, else bands of
// output rows of one plane (with the input-row window their index table reads), and where a band
// of the fewest rows still does not fit and the family allows it (argmax, whose K class rings are
// as wide as the output), bands of output columns of that band. Each tile is an
// ordinary job over subarrays of the caller's arrays, computed by the same kernels from the same
// table entries, so the result is bit-identical to the untiled call. (A convolution band reads and
// writes one run of each channel of its sample: its plan names them, ./conv-bands.ts, ./runs.ts.)

import type { Job, OutputArray } from '../ops.js';

/** How one family's plan splits into independent parts. */
export interface Tiling<P, I> {
  /**
   * Independent planes, and output rows per plane that bands may split (1: whole planes only);
   * `step`: bands start at multiples of it (a kernel whose arithmetic depends on a row's position
   * in a group of rows: Winograd's tiles of two rows a phase, src/conv/winograd.ts, which the
   * staging takes only under a large enough `budget`, the module's maximumMemory).
   * `cols`: output columns a band of `step` rows may split into (absent or 1: none); `colStep`:
   * column bands start at multiples of it and have at least that many columns (but a narrower
   * whole), for kernels whose arithmetic depends on a column's place in its row (SIMD blocks).
   */
  extent(plan: P, budget: number): { planes: number; rows: number; step?: number; cols?: number; colStep?: number };
  /**
   * The job of `count` planes from `plane` (all their rows), or when `rows` is given, of output
   * rows [rows[0], rows[1]) of the one plane `plane`, and when `cols` is given too, of output
   * columns [cols[0], cols[1]) of those rows.
   */
  tile(job: Job<P, I>, plane: number, count: number, rows?: [number, number], cols?: [number, number]): Job<P, I>;
}

/**
 * The tiles of `job`, each as large as `fits` allows (halving from the whole): whole planes
 * first, bands of rows when one plane is too large, bands of columns when a band of the fewest
 * rows is too large (then as many rows as fit at that width). A part that cannot split further is
 * returned even if it does not fit (the caller then runs it over budget).
 */
export function* tiles<P, I>(job: Job<P, I>, fits: (tile: Job<P, I>) => boolean, budget: number): Generator<Job<P, I>> {
  const tiling = job.backends.tiling;
  if (!tiling) {
    yield job;
    return;
  }
  const { planes, rows, step = 1, cols = 1, colStep = 1 } = tiling.extent(job.plan, budget);
  let count = planes;
  while (count > 1 && !fits(tiling.tile(job, 0, count))) count = Math.ceil(count / 2);
  if ((rows <= 1 && cols <= 1) || (count === 1 && fits(tiling.tile(job, 0, 1)))) {
    for (let p = 0; p < planes; p += count) yield tiling.tile(job, p, Math.min(count, planes - p));
    return;
  }
  let band = rows;
  let width = cols;
  let tall = 0; // rows of a band split into columns (0: not found yet)
  // A column band from c ends `width` on, or at the end where the rest would be narrower than colStep.
  const colEnd = (c: number) => (cols - (c + width) < colStep ? cols : c + width);
  /**
   * Rows [r0, r1)'s columns in bands. The fewest rows (`fewest`) find the width: as wide as fits,
   * as narrow as colStep at the least (the width they took stays for the bands after), a band that
   * does not fit even then as it is. More rows take that width or none: undefined where a band
   * does not fit (their rows then halve).
   */
  const columnParts = (p: number, r0: number, r1: number, fewest: boolean): Array<Job<P, I>> | undefined => {
    const parts: Array<Job<P, I>> = [];
    for (let c = 0; c < cols;) {
      let part = tiling.tile(job, p, 1, [r0, r1], [c, colEnd(c)]);
      while (fewest && width > colStep && !fits(part)) {
        width = Math.max(colStep, Math.ceil(width / 2 / colStep) * colStep);
        part = tiling.tile(job, p, 1, [r0, r1], [c, colEnd(c)]);
      }
      if (!fewest && !fits(part)) return undefined;
      parts.push(part);
      c = colEnd(c);
    }
    return parts;
  };
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < rows;) {
      // Windows differ along a plane (edges, uneven scales): each band is checked, and shrinks
      // (never below `step` rows) until it fits; the next band starts from the size that fitted.
      let span: [number, number] = [r, Math.min(rows, r + band)];
      let tile = tiling.tile(job, p, 1, span);
      while (band > step && !fits(tile)) {
        band = Math.max(step, Math.ceil(band / 2 / step) * step);
        span = [r, Math.min(rows, r + band)];
        tile = tiling.tile(job, p, 1, span);
      }
      if (cols >= 2 * colStep && !fits(tile)) {
        // The fewest rows are still too large: their columns in bands, each as tall as fits. A
        // column band's rings (one row of each class, for argmax) do not grow with its rows, so
        // the rows that bands of the fewest rows would each compute again are shared: the first
        // time, rows double while all their column bands fit at the width found for the fewest
        // rows (more, narrower bands cost more than they save at small scales); a band of rows
        // whose column bands do not all fit at that width halves (the fewest rows, the width
        // narrowing as before, always do).
        let parts: Array<Job<P, I>> | undefined;
        if (tall === 0) {
          tall = band;
          parts = columnParts(p, r, Math.min(rows, r + tall), true); // settles the width at the fewest rows
          for (let taller; r + tall < rows && (taller = columnParts(p, r, Math.min(rows, r + 2 * tall), false)); tall *= 2) parts = taller;
        } else {
          parts = columnParts(p, r, Math.min(rows, r + tall), tall <= band);
        }
        while (!parts) {
          tall = Math.max(band, Math.ceil(tall / 2 / step) * step);
          parts = columnParts(p, r, Math.min(rows, r + tall), tall <= band);
        }
        yield* parts;
        r = Math.min(rows, r + tall);
        continue;
      }
      yield tile;
      r = span[1];
    }
  }
}

/** An output not allocated yet: tiling reads only its length and subarrays (for admission checks). */
export function pendingOutput(length: number): OutputArray {
  return { length, subarray: (from: number, to: number) => pendingOutput(to - from) } as unknown as OutputArray;
}

/**
 * Refuses up front, with a RangeError, a job whose smallest tile would still end past `limit`
 * (the memory one call can have): `end` is where a job's buffers end when staged.
 */
export function checkSmallestTile<P, I>(job: Job<P, I>, end: (job: Job<P, I>) => number, limit: number, budget: number): void {
  const first = tiles(job, (t) => end(t) <= limit, budget).next().value as Job<P, I>;
  const need = end(first);
  if (need > limit) {
    throw new RangeError(`this call needs ${need} bytes of WebAssembly memory${first === job ? '' : ' even for its smallest part'}, ` +
      `more than the ${limit} one call can have`);
  }
}
