// upsampleArgmax and upsampleThreshold under a memory budget (maximumMemory): images (argmax) or
// logit planes (threshold) one at a time, and bands of output rows of one, each interpolating only
// the logit rows its rows read, and for argmax with many classes (K rings of rows as wide as the
// output) bands of output columns of one row; labels and masks bit-identical to one pass (ties and
// NaN included), WebAssembly memory within the budget (SIMD, scalar, the pool).
// A 1 MiB budget makes logits of a few MB tile, so none of this allocates much.

import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import type { Tensor, UpsampleThresholdOptions } from '../src/index.js';
import type { Job } from '../src/ops.js';
import { tiles, type Tiling } from '../src/tiling/plan.js';
import { packRuns, runsEnd, runsLength, unpackRuns, type Runs } from '../src/tiling/runs.js';
// The pool's workers load the built worker script (npm run build), as the other pool tests do.
import { budgetPoolForTests } from './pool-helpers.js';
import { engineHasRelaxedSimd } from '../src/wasm/load.js';
import { operation } from '../src/ops.js';
import { prepareUpsampleArgmax } from '../src/pipeline/upsample-reduce.js';
import { stageUpsampleReduce } from '../src/wasm/upsample-reduce.js';
import { Layout, type WasmModule } from '../src/wasm/module.js';
import { startPool } from '../dist/pool/index.js';
import { SPLIT_ALL, type Sizing } from '../dist/pool/sizing.js';

/** Relaxed too where the engine validates it (Node 22+, as CI runs): its bands must equal one pass as well. */
const BUILDS = ['simd', 'scalar', ...(engineHasRelaxedSimd() ? ['relaxed' as const] : [])] as const;

const MIB = 2 ** 20;
const BUDGET = MIB;

/** Logits with many ties (a few levels) and a few NaNs: argmax's first maximum and NaN rule matter. */
function logits(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => {
    const h = Math.imul(i + seed, 2654435761) >>> 0;
    if (h % 997 === 0) return NaN;
    return (h >>> 28) % 5 + Math.sin(i * 0.01 + seed);
  });
  for (let i = 0; i < n; i += 3) data[i] = Math.floor(data[i]); // plateaus: ties after interpolation
  return { data, shape };
}

/**
 * Logits of a few levels in tenths: their interpolations round differently in another order (the
 * SIMD build's bilinear 2x blends rows first, other paths columns first), which moves labels.
 */
function tenths(shape: number[], levels = 17): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => ((Math.imul(i + 3, 2246822519) >>> 20) % levels) / 10), shape };
}

/** Whole-number logits of a few levels: exact interpolations, many classes tied (the first maximum wins). */
function integers(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => (Math.imul(i + seed, 2654435761) >>> 29) % 3), shape };
}

type Kind = 'upsampleArgmax' | 'upsampleThreshold';
type Case = [string, Kind, Tensor, UpsampleThresholdOptions];
const CASES: Case[] = [
  ['argmax bilinear x4, whole images (batch 2)', 'upsampleArgmax', logits([2, 21, 80, 80]), { scaleFactor: 4 }],
  ['argmax bilinear one image in bands', 'upsampleArgmax', logits([1, 19, 100, 120], 2), { size: [700, 900] }],
  ['argmax bilinear batch 3 in bands', 'upsampleArgmax', logits([3, 16, 130, 110], 3), { size: [611, 577], alignCorners: true }],
  ['argmax nearest x3.3 with a crop', 'upsampleArgmax', logits([2, 10, 150, 160], 4), { scaleFactor: 3.3, mode: 'nearest', crop: { top: 10, left: 7, height: 120, width: 140 } }],
  ['argmax nearest-exact to 777 x 501', 'upsampleArgmax', logits([1, 9, 130, 140], 5), { size: [777, 501], mode: 'nearest-exact' }],
  ['argmax bicubic with a crop', 'upsampleArgmax', logits([1, 11, 160, 150], 6), { size: [640, 600], mode: 'bicubic', crop: { top: 5, left: 20, height: 140, width: 120 } }],
  ['argmax bicubic antialias x0.45', 'upsampleArgmax', logits([1, 8, 400, 300], 7), { scaleFactor: 0.45, mode: 'bicubic', antialias: true }],
  ['argmax bilinear antialias x0.6, batch 2', 'upsampleArgmax', logits([2, 6, 300, 280], 8), { scaleFactor: 0.6, antialias: true }],
  ['argmax 300 classes (16-bit labels)', 'upsampleArgmax', logits([1, 300, 30, 30], 9), { size: [160, 150] }],
  ['threshold bilinear x2.5, planes in bands', 'upsampleThreshold', logits([2, 3, 200, 200], 10), { scaleFactor: 2.5, threshold: 1.3 }],
  ['threshold bicubic alignCorners, one plane in bands', 'upsampleThreshold', logits([1, 1, 500, 400], 11), { size: [1111, 901], mode: 'bicubic', alignCorners: true, threshold: 2 }],
  ['threshold nearest with a crop, planes', 'upsampleThreshold', logits([2, 2, 300, 310], 12), { scaleFactor: 2, mode: 'nearest', crop: { top: 31, left: 0, height: 250, width: 300 } }],
  ['threshold bilinear antialias x0.4', 'upsampleThreshold', logits([1, 2, 900, 700], 13), { scaleFactor: 0.4, antialias: true, threshold: 1.5 }],
];

/**
 * Argmax whose one output row does not fit the budget: K rings of `slots` rows (the fewest a
 * mode's taps give) of outW floats exceed it, so bands of columns (the slots: to check that).
 */
type ColumnCase = [string, Tensor, UpsampleThresholdOptions, number];
const COLUMN_CASES: ColumnCase[] = [
  ['1000 classes bilinear x16 (16-bit labels)', logits([1, 1000, 2, 64], 21), { scaleFactor: 16 }, 2],
  ['300 classes bicubic with a crop, batch 2', logits([2, 300, 12, 200], 22), { size: [20, 900], mode: 'bicubic', crop: { top: 2, left: 10, height: 8, width: 150 } }, 4],
  ['250 classes (8-bit labels) bilinear to 16 x 1100', logits([1, 250, 4, 160], 23), { size: [16, 1100] }, 2],
  ['300 classes bilinear antialias x0.6', logits([1, 300, 8, 1500], 24), { scaleFactor: 0.6, antialias: true }, 2],
  ['300 classes bicubic antialias x0.45', logits([1, 300, 6, 1200], 25), { scaleFactor: 0.45, mode: 'bicubic', antialias: true }, 8],
  ['64 classes bilinear x2, rows first on SIMD (levels in tenths)', tenths([1, 64, 4, 1029]), { scaleFactor: 2 }, 2],
  ['200 classes bicubic x2 (levels in tenths)', tenths([1, 200, 4, 400], 13), { scaleFactor: 2, mode: 'bicubic' }, 4],
  ['500 classes bicubic x2, ties (whole numbers)', integers([1, 500, 4, 300]), { scaleFactor: 2, mode: 'bicubic' }, 4],
  ['400 classes nearest-exact, ties (whole numbers)', integers([1, 400, 5, 200], 2), { size: [11, 900], mode: 'nearest-exact' }, 1],
  ['1000 classes bilinear alignCorners, ties (whole numbers)', integers([1, 1000, 3, 100], 3), { size: [7, 801], alignCorners: true }, 2],
];

const call = (ops: up.Operations, kind: Kind, t: Tensor, options: UpsampleThresholdOptions) => ops[kind](t, options);
const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const build of BUILDS) {
  describe(`upsampleArgmax / upsampleThreshold in tiles on the ${build} build (maximumMemory ${BUDGET} bytes)`, () => {
    it.each(CASES)('%s: bit-identical to one pass, memory within the budget', async (_, kind, t, options) => {
      // Fresh memories: each call's own high-water mark.
      const whole = await up.createOperations({ build });
      const tiled = await up.createOperations({ build, maximumMemory: BUDGET });
      const expected = call(whole, kind, t, options);
      expect(whole.memoryBytes).toBeGreaterThan(BUDGET); // one pass needs more than the budget: this call tiles
      const actual = call(tiled, kind, t, options);
      expect(actual.shape).toEqual(expected.shape);
      expect(actual.data.constructor).toBe(expected.data.constructor);
      expect(bits(actual.data).equals(bits(expected.data))).toBe(true);
      expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
    });
  });
}

for (const build of BUILDS) {
  describe(`upsampleArgmax in bands of columns on the ${build} build (maximumMemory ${BUDGET} bytes)`, () => {
    it.each(COLUMN_CASES)('%s: bit-identical to one pass, memory within the budget', async (_, t, options, slots) => {
      const whole = await up.createOperations({ build });
      const tiled = await up.createOperations({ build, maximumMemory: BUDGET });
      const expected = whole.upsampleArgmax(t, options);
      const [classes, outW] = [t.shape[1], expected.shape[2]];
      expect(classes * slots * outW * 4).toBeGreaterThan(BUDGET); // one output row's rings alone: rows cannot fit
      const actual = tiled.upsampleArgmax(t, options);
      expect(actual.shape).toEqual(expected.shape);
      expect(actual.data.constructor).toBe(expected.data.constructor);
      expect(bits(actual.data).equals(bits(expected.data))).toBe(true);
      expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
    });
  });
}

describe('a tiled call writes into the caller\'s out', () => {
  it('argmax in bands into out (16-bit labels) and threshold planes into out', async () => {
    const whole = await up.createOperations({ build: 'simd' });
    const tiled = await up.createOperations({ build: 'simd', maximumMemory: BUDGET });
    const columns = ([, t, options]: ColumnCase): Case => ['', 'upsampleArgmax', t, options];
    for (const [, kind, t, options] of [CASES[1], CASES[8], CASES[11], columns(COLUMN_CASES[0]), columns(COLUMN_CASES[2])]) {
      const expected = call(whole, kind, t, options);
      const out = { data: new (expected.data.constructor as Uint8ArrayConstructor)(expected.data.length).fill(7), shape: expected.shape.slice() };
      expect(call(tiled, kind, t, { ...options, out })).toBe(out);
      expect(bits(out.data).equals(bits(expected.data))).toBe(true);
    }
    expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
  });
});

describe('tiles(): bands of columns where a band of the fewest rows does not fit', () => {
  interface Part { plane: number; rows?: [number, number]; cols?: [number, number] }
  const tiling: Tiling<Part, object> = {
    extent: () => ({ planes: 2, rows: 5, step: 1, cols: 103, colStep: 4 }),
    tile: (job, plane, _count, rows, cols) => ({ ...job, plan: { plane, rows, cols } }),
  };
  const job = { plan: { plane: 0 }, inputs: {}, output: new Float32Array(0), backends: { tiling } } as unknown as Job<Part, object>;

  it('covers each row with column bands on multiples of colStep, each as wide as fits, none narrower than colStep', () => {
    // Up to 30 elements fit: a row (103) does not, so each row splits into bands of 28 columns
    // (halving 103 on multiples of 4); two rows of them (56) would not fit.
    const fits = ({ plan: { rows, cols } }: Job<Part, object>) => rows !== undefined && (rows[1] - rows[0]) * (cols ? cols[1] - cols[0] : 103) <= 30;
    const parts = [...tiles(job, fits, 0)].map((t) => t.plan);
    const expected: Part[] = [];
    for (let plane = 0; plane < 2; plane++) {
      for (let r = 0; r < 5; r++) for (const c of [[0, 28], [28, 56], [56, 84], [84, 103]]) expected.push({ plane, rows: [r, r + 1], cols: c as [number, number] });
    }
    expect(parts).toEqual(expected);
  });

  it('makes column bands as tall as fit at the width the fewest rows found, halving the rows where they do not', () => {
    const columns = [[0, 28], [28, 56], [56, 84], [84, 103]] as Array<[number, number]>;
    const bands = (fits: (t: Job<Part, object>) => boolean, rows = 5) => {
      const tiling8: Tiling<Part, object> = { ...tiling, extent: () => ({ planes: 1, rows, step: 1, cols: 103, colStep: 4 }) };
      return [...tiles({ ...job, backends: { tiling: tiling8 } } as unknown as Job<Part, object>, fits, 0)].map((t) => t.plan);
    };
    const expected = (rowBands: Array<[number, number]>) => rowBands.flatMap((rows) => columns.map((cols) => ({ plane: 0, rows, cols })));
    // Bands of up to 30 columns (28: halving 103 on multiples of 4) of up to 4 rows: 4 rows, then the one left.
    const four = ({ plan: { rows, cols } }: Job<Part, object>) => rows !== undefined && cols !== undefined && cols[1] - cols[0] <= 30 && rows[1] - rows[0] <= 4;
    expect(bands(four)).toEqual(expected([[0, 4], [4, 5]]));
    // 4 rows only where a band ends before column 103: 2 rows, as taller bands would have to be narrower.
    const narrowEnd = ({ plan: { rows, cols } }: Job<Part, object>) => rows !== undefined && cols !== undefined &&
      cols[1] - cols[0] <= 30 && rows[1] - rows[0] <= (cols[1] === 103 ? 2 : 4);
    expect(bands(narrowEnd)).toEqual(expected([[0, 2], [2, 4], [4, 5]]));
    // 4 rows fit at the top edge, 2 below it (a window that grows away from the edge): 4, then halved to 2.
    const edge = ({ plan: { rows, cols } }: Job<Part, object>) => rows !== undefined && cols !== undefined &&
      cols[1] - cols[0] <= 30 && rows[1] - rows[0] <= (rows[0] === 0 ? 4 : 2);
    const parts = bands(edge, 8);
    expect(parts).toEqual(expected([[0, 4], [4, 6], [6, 8]]));
    expect(parts.every((p) => edge({ plan: p } as Job<Part, object>))).toBe(true);
  });

  it('merges a rest narrower than colStep into the band before it, and leaves rows that fit whole', () => {
    // 25 columns fit: bands of 16 (halving 103 on multiples of 4), the rest [96, 103) at least 4 wide; rows 3 and 4 fit whole.
    const fits = ({ plan: { rows, cols } }: Job<Part, object>) => rows !== undefined &&
      (rows[0] >= 3 ? rows[1] - rows[0] <= 1 || cols !== undefined : (cols ? cols[1] - cols[0] : 103) <= 25 && rows[1] - rows[0] === 1);
    const parts = [...tiles(job, fits, 0)].filter((t) => t.plan.plane === 0).map((t) => [t.plan.rows, t.plan.cols]);
    const sixteens = [[0, 16], [16, 32], [32, 48], [48, 64], [64, 80], [80, 96]];
    const row = (r: number) => [...sixteens, [96, 103]].map((c) => [[r, r + 1], c]);
    expect(parts).toEqual([...row(0), ...row(1), ...row(2), [[3, 4], undefined], [[4, 5], undefined]]);
    // colStep 8: a rest of 7 after [80, 96) would be too narrow alone: [80, 103) instead.
    const eight: Tiling<Part, object> = { ...tiling, extent: () => ({ planes: 1, rows: 1, cols: 103, colStep: 8 }) };
    const narrow = ({ plan: { cols } }: Job<Part, object>) => cols !== undefined && cols[1] - cols[0] <= 31;
    expect([...tiles({ ...job, backends: { tiling: eight } } as unknown as Job<Part, object>, narrow, 0)].map((t) => t.plan.cols))
      .toEqual([...sixteens.slice(0, 5), [80, 103]]);
  });
});

describe('runs in blocks (a band of columns of every class plane)', () => {
  it('packs and unpacks blocks of runs of any element type, bit for bit', () => {
    // 3 planes of 5 x 7: rows [1, 4) x columns [2, 6) of each.
    const runs: Runs = { blocks: 3, blockStride: 35, count: 3, length: 4, stride: 7, from: 1 * 7 + 2 };
    expect(runsLength(runs)).toBe(36);
    expect(runsEnd(runs)).toBe(2 * 35 + 3 * 7 + 6);
    for (const Type of [Float32Array, Uint16Array, Uint8Array] as const) {
      const whole = new Type(105).map((_, i) => i % 250);
      if (whole instanceof Float32Array) new Uint32Array(whole.buffer)[2 * 35 + 9] = 0x7fa00001; // a NaN with a payload
      const packed = new Type(runsLength(runs));
      packRuns(whole, runs, packed);
      const at = (i: number) => Math.floor(i / 12) * 35 + (1 + Math.floor((i % 12) / 4)) * 7 + 2 + (i % 4);
      expect(Array.from(packed, (_, i) => i).every((i) => Object.is(packed[i], whole[at(i)]))).toBe(true);
      const back = new Type(105);
      unpackRuns(packed, runs, back);
      const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      // Where the runs lie the values of `whole` (as bits: assigning a NaN may change its payload), else zeros.
      const mask = new Type(105);
      const Bits = Type.BYTES_PER_ELEMENT === 4 ? Uint32Array : Type.BYTES_PER_ELEMENT === 2 ? Uint16Array : Uint8Array;
      const [maskBits, wholeBits] = [new Bits(mask.buffer), new Bits(whole.buffer)];
      for (let i = 0; i < 36; i++) maskBits[at(i)] = wholeBits[at(i)];
      expect(bytes(back).equals(bytes(mask))).toBe(true);
    }
    // Long runs (copied with set) too.
    const long: Runs = { blocks: 2, blockStride: 100, count: 2, length: 30, stride: 40, from: 5 };
    const whole = Uint16Array.from({ length: 200 }, (_, i) => i);
    const packed = new Uint16Array(runsLength(long));
    packRuns(whole, long, packed);
    expect(Array.from(packed.subarray(28, 34))).toEqual([33, 34, 45, 46, 47, 48]);
    expect(packed[119]).toBe(100 + 40 + 5 + 29);
  });
});

describe(`the pool tiles upsampleArgmax / upsampleThreshold within its maximumMemory (${BUDGET} bytes)`, () => {
  const budgetPool = budgetPoolForTests(BUDGET);

  // The 300 classes too: each worker's chunk has its own per-class rows, no more chunks than fit.
  it.each(CASES.filter(([name], i) => i % 2 === 0 || name.includes('300 classes')))('%s', async (_, kind, t, options) => {
    const { pool, whole } = budgetPool();
    const actual = await pool[kind](t, options);
    expect(bits(actual.data).equals(bits(call(whole, kind, t, options).data))).toBe(true);
    expect(pool.memoryBytes).toBeLessThanOrEqual(BUDGET);
  });

  it.each(COLUMN_CASES.filter((_, i) => i % 3 !== 2))('bands of columns: %s', async (_, t, options) => {
    const { pool, whole } = budgetPool();
    const actual = await pool.upsampleArgmax(t, options);
    expect(bits(actual.data).equals(bits(whole.upsampleArgmax(t, options).data))).toBe(true);
    expect(pool.memoryBytes).toBeLessThanOrEqual(BUDGET);
  });
});

describe('bilinear 2x rows H first (SIMD builds): no rings staged, the kernel told so', () => {
  const logits21 = logits([1, 21, 40, 48]);
  const stage = (simd: boolean, options = { scaleFactor: 2, mode: 'bilinear' as const }) => {
    const { plan, inputs, outputLength } = prepareUpsampleArgmax(logits21, options);
    const layout = new Layout({ simd, maximumMemory: 2 ** 30, residentPointer: () => -1 } as unknown as WasmModule, 0);
    const staged = stageUpsampleReduce(layout, plan, inputs, outputLength);
    return { top: layout.top, args: staged.calls[0].args as { hFirst: number; ring: number; ringRows: number; row: number } };
  };

  it('a SIMD build stages none of the 21 class rings a scalar build needs, and says H first', () => {
    const simd = stage(true), scalar = stage(false);
    expect(simd.args.hFirst).toBe(1);
    expect(scalar.args.hFirst).toBe(0);
    expect(simd.args.row - simd.args.ring).toBe(0); // the ring and its tags take no bytes
    // 2 slots of 96 floats a class, and their tags (each reservation rounded up to 64 bytes).
    expect(scalar.top - simd.top).toBeGreaterThanOrEqual(21 * 2 * 96 * 4 + 21 * 2 * 4);
    expect(scalar.top - simd.top).toBeLessThan(21 * 2 * 96 * 4 + 21 * 2 * 4 + 128);
    // Not 2x: the ring path, rings on every build.
    expect(stage(true, { scaleFactor: 3, mode: 'bilinear' } as never).args.hFirst).toBe(0);
  });

  it('the kernel traps where the staging disagrees with the tables, rather than use rings that were not reserved', async () => {
    // A pool of one operation: argmax staged as above, its flag flipped.
    const flipped = operation(prepareUpsampleArgmax, {
      wasm: (layout, plan, inputs, n, target) => {
        const staged = stageUpsampleReduce(layout, plan, inputs, n);
        const c = staged.calls[0] as { args: { hFirst: number } };
        c.args.hFirst = 1 - c.args.hFirst;
        return staged;
      },
      js: () => {},
    });
    const pool = await startPool({ flipped } as never, { threads: 2 }) as unknown as { flipped(t: Tensor, o: object): Promise<unknown>; close(): Promise<void> };
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL);
    try {
      await expect(pool.flipped(logits21, { scaleFactor: 2 })).rejects.toThrow(/kernel failed: RuntimeError: unreachable/);
      await expect(pool.flipped(logits21, { scaleFactor: 3 })).rejects.toThrow(/kernel failed: RuntimeError: unreachable/);
    } finally {
      await pool.close();
    }
  });
});
