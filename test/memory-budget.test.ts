// A memory budget (maximumMemory): calls whose buffers do not fit run in tiles (planes, or bands
// of output rows), bit-identical to one pass, with WebAssembly memory within the budget; release()
// returns grown memory; size limits refuse up front at the 2^31 boundary, before allocating.
// A tiny budget (1 MiB) makes small tensors tile, so none of this allocates much.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import type { OperationsInstance, Tensor } from '../src/index.js';
import { ramp } from './helpers.js';
import { engineHasRelaxedSimd } from '../src/wasm/load.js';

/**
 * The builds whose tiles must equal one pass: relaxed too where the engine validates it (Node 22+;
 * CI runs this file there), since its scalar loops round as its vector blocks do (lib/simd.ts
 * maddScalar) and a band moves columns between them.
 */
const BUILDS = ['simd', 'scalar', ...(engineHasRelaxedSimd() ? ['relaxed' as const] : [])] as const;
// The pool's workers load the built worker script (npm run build), as the other pool tests do.
import { createPool } from '../dist/index.js';

const MIB = 2 ** 20;
const BUDGET = MIB;

const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function expectBitIdentical(actual: ArrayBufferView, expected: ArrayBufferView): void {
  expect(actual.byteLength).toBe(expected.byteLength);
  expect(bits(actual).equals(bits(expected))).toBe(true);
}

const image = (width: number, height: number, channels: 1 | 2 | 3 | 4 = 4) =>
  ({ data: Uint8ClampedArray.from({ length: width * height * channels }, (_, i) => (i * 2654435761) >>> 24), width, height, channels });

const bytes = (shape: number[]) => ({ data: Uint8Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => (i * 2654435761) >>> 24), shape });

/** Calls, each larger than the 1 MiB budget: by planes (many small planes) and by bands (one large plane). */
const CALLS: Array<[string, (ops: up.Operations) => { data: ArrayBufferView }]> = [
  ...(['nearest', 'nearest-exact', 'bilinear', 'bicubic', 'area'] as const).flatMap((mode) => [
    [`interpolate ${mode} 2x, planes`, (ops: up.Operations) => ops.interpolate(ramp([2, 6, 90, 110]), { scaleFactor: 2, mode })],
    [`interpolate ${mode} x1.7, one plane in bands`, (ops: up.Operations) => ops.interpolate(ramp([1, 1, 420, 390]), { scaleFactor: 1.7, mode })],
    [`interpolate ${mode} x0.45, one plane in bands`, (ops: up.Operations) => ops.interpolate(ramp([1, 1, 700, 600]), { scaleFactor: 0.45, mode })],
  ] as Array<[string, (ops: up.Operations) => { data: ArrayBufferView }]>),
  ['interpolate bilinear alignCorners, bands', (ops) => ops.interpolate(ramp([1, 1, 300, 310]), { size: [611, 577], mode: 'bilinear', alignCorners: true })],
  ['interpolate bicubic antialias down, bands', (ops) => ops.interpolate(ramp([1, 1, 900, 500]), { scaleFactor: 0.3, mode: 'bicubic', antialias: true })],
  ['interpolate linear (3-D), planes', (ops) => ops.interpolate(ramp([4, 8, 3000]), { scaleFactor: 2.5, mode: 'linear' })],
  ['interpolate trilinear (5-D), planes', (ops) => ops.interpolate(ramp([2, 4, 12, 30, 40]), { scaleFactor: 1.6, mode: 'trilinear' })],
  ['interpolate area 5-D, planes', (ops) => ops.interpolate(ramp([2, 4, 40, 30, 40]), { size: [7, 11, 13], mode: 'area' })],
  ['interpolate trilinear (5-D), one plane in depth bands', (ops) => ops.interpolate(ramp([1, 1, 40, 50, 60]), { scaleFactor: 1.5, mode: 'trilinear' })],
  ['interpolate nearest 5-D x0.6, one plane in depth bands', (ops) => ops.interpolate(ramp([1, 1, 50, 60, 110]), { scaleFactor: 0.6, mode: 'nearest' })],
  ['interpolate area 5-D, one plane in depth bands', (ops) => ops.interpolate(ramp([1, 1, 60, 50, 90]), { size: [23, 31, 40], mode: 'area' })],
  ['interpolate linear (3-D) x2.5, one row in bands', (ops) => ops.interpolate(ramp([1, 1, 150000]), { scaleFactor: 2.5, mode: 'linear' })],
  ['interpolate linear (3-D) 2x, one row in bands (period-two runs cut by bands)', (ops) => ops.interpolate(ramp([1, 4, 200000], 3), { scaleFactor: 2, mode: 'linear' })],
  ['interpolate linear (3-D) 2x alignCorners, one row in bands', (ops) => ops.interpolate(ramp([1, 1, 150001]), { scaleFactor: 2, mode: 'linear', alignCorners: true })],
  ['interpolate area 3-D, one row in bands', (ops) => ops.interpolate(ramp([1, 1, 300000]), { size: 77777, mode: 'area' })],
  ['resize (ONNX) cubic, planes', (ops) => ops.resize(ramp([3, 5, 120, 130]), { scales: [1, 1, 2, 1.5], mode: 'cubic' })],
  ['resize (ONNX) nearest 3 axes with extrapolation, planes', (ops) => ops.resize(ramp([12, 10, 20, 30]),
    { scales: [1, 1.5, 2, 1.5], mode: 'linear', coordinateTransformationMode: 'tf_crop_and_resize', roi: [0, 0, 0, 0, 1, 0.8, 1.2, 1], extrapolationValue: -3 })],
  ['resizeBilinear (TF, NHWC), images', (ops) => ops.resizeBilinear(ramp([4, 100, 80, 3]), [150, 170], { halfPixelCenters: true })],
  ['pixelShuffle, planes', (ops) => ops.pixelShuffle(ramp([4, 16, 100, 100]), 2)],
  ['pixelUnshuffle, planes', (ops) => ops.pixelUnshuffle(ramp([4, 4, 200, 200]), 2)],
  ['conv2d, batch', (ops) => ops.conv2d(ramp([6, 4, 60, 60]), ramp([8, 4, 3, 3], 2), { padding: 1, bias: ramp([8], 3).data })],
  ['convTranspose2d, batch', (ops) => ops.convTranspose2d(ramp([6, 8, 60, 60]), ramp([8, 4, 4, 4], 2), { stride: 2, padding: 1 })],
  ['convTranspose2d with an infinite weight (the scatter path), batch', (ops) => {
    const w = ramp([8, 4, 3, 3], 2);
    w.data[5] = Infinity;
    return ops.convTranspose2d(ramp([6, 8, 50, 50]), w, { stride: 2 });
  }],
  // One sample (N = 1) too large for the budget: bands of output rows along the first spatial
  // axis, each over the input window it reads (src/tiling/conv-bands.ts).
  ['conv2d, one sample in bands', (ops) => ops.conv2d(ramp([1, 8, 180, 180]), ramp([8, 8, 3, 3], 2), { padding: 1, bias: ramp([8], 3).data })],
  ['conv2d strided, dilated, grouped, one sample in bands', (ops) => ops.conv2d(ramp([1, 6, 301, 257]), ramp([6, 3, 4, 3], 2),
    { stride: [2, 3], padding: [3, 1], dilation: [2, 1], groups: 2 })],
  ["conv2d padding 'same' (even kernel, dilated), bands", (ops) => ops.conv2d(ramp([1, 4, 250, 250]), ramp([5, 4, 4, 2], 2), { padding: 'same', dilation: 2 })],
  ['conv1d, one row in bands', (ops) => ops.conv1d(ramp([1, 3, 120000]), ramp([4, 3, 5], 2), { stride: 2, padding: 3 })],
  ['conv3d, one sample in depth bands', (ops) => ops.conv3d(ramp([1, 3, 40, 50, 60]), ramp([4, 3, 3, 3, 3], 2), { padding: 1, stride: [2, 1, 1] })],
  ['convTranspose2d, one sample in bands', (ops) => ops.convTranspose2d(ramp([1, 8, 150, 150]), ramp([8, 4, 4, 4], 2), { stride: 2, padding: 1 })],
  ['convTranspose2d stride 3, dilated, outputPadding, grouped, bands', (ops) => ops.convTranspose2d(ramp([1, 4, 110, 97]), ramp([4, 3, 5, 3], 2),
    { stride: [3, 2], padding: [2, 1], dilation: [2, 1], outputPadding: [1, 1], groups: 2, bias: ramp([6], 3).data })],
  ['convTranspose1d, one row in bands', (ops) => ops.convTranspose1d(ramp([1, 4, 50000]), ramp([4, 2, 7], 2), { stride: 3, padding: 2 })],
  ['convTranspose3d, one sample in depth bands', (ops) => ops.convTranspose3d(ramp([1, 4, 20, 30, 30]), ramp([4, 2, 3, 3, 3], 2), { stride: 2, padding: 1, outputPadding: 1 })],
  ['convTranspose2d with an infinite weight (the scatter path), one sample in bands', (ops) => {
    const w = ramp([8, 4, 3, 3], 2);
    w.data[7] = -Infinity;
    return ops.convTranspose2d(ramp([1, 8, 120, 120]), w, { stride: 2, padding: 1 });
  }],
  // One image, or a resize over axis 0: bands along the first resized axis (src/tiling/resize-bands.ts).
  ['resizeBilinear (TF), one NHWC image in bands', (ops) => ops.resizeBilinear(ramp([1, 300, 280, 3]), [450, 400], { halfPixelCenters: true })],
  ['resizeNearestNeighbor (TF), one NHWC image in bands', (ops) => ops.resizeNearestNeighbor(ramp([1, 400, 300, 3]), [500, 350], { alignCorners: true })],
  ['resizeBilinear (TF) of uint8, one image in bands', (ops) => ops.resizeBilinear(
    { data: Uint8Array.from({ length: 400 * 300 * 4 }, (_, i) => (i * 2654435761) >>> 24), shape: [400, 300, 4] }, [700, 520])],
  ['resize (ONNX) cubic over axis 0, bands', (ops) => ops.resize(ramp([300, 4, 30, 20]), { scales: [1.5, 1, 1, 1], mode: 'cubic' })],
  ['resize (ONNX) linear antialias down, rank 2, bands', (ops) => ops.resize(ramp([700, 500]), { scales: [0.4, 0.5], mode: 'linear', antialias: true })],
  ['resize (ONNX) tf_crop_and_resize with extrapolation on the banded axes', (ops) => ops.resize(ramp([1, 500, 400]),
    { scales: [1, 1.4, 1.3], mode: 'cubic', coordinateTransformationMode: 'tf_crop_and_resize', roi: [0, -0.1, 0.05, 1, 1.2, 0.9], extrapolationValue: -3 })],
  ['resize (ONNX) nearest excludeOutside tf_crop_and_resize, 3 axes, bands', (ops) => ops.resize(ramp([30, 40, 30, 20]),
    { scales: [1.5, 1.2, 1, 0.8], mode: 'nearest', coordinateTransformationMode: 'tf_crop_and_resize', roi: [-0.2, 0, 0, 0, 1.1, 1, 1, 1.3], excludeOutside: true })],
  // Integer linear / cubic: float64 passes in the reference's axis order (wide plans), their bands
  // with the banded axis first, or (axes [2, 1]) second, its extrapolation blended by the next pass.
  ['resize (ONNX) of uint8 linear, planes (float64)', (ops) => ops.resize(bytes([3, 5, 120, 130]), { scales: [1, 1, 2, 1.5], mode: 'linear' })],
  ['resize (ONNX) of uint8 linear antialias down, rank 2, bands (float64)', (ops) => ops.resize(bytes([700, 500]),
    { scales: [0.4, 0.5], mode: 'linear', antialias: true })],
  ['resize (ONNX) of int16 cubic tf_crop_and_resize, axes [2, 1], bands (float64)', (ops) => ops.resize(
    { data: Int16Array.from(bytes([1, 300, 260]).data, (v, i) => (v - 128) * ((i % 7) + 1)), shape: [1, 300, 260] },
    { axes: [2, 1], scales: [1.3, 1.4], mode: 'cubic', coordinateTransformationMode: 'tf_crop_and_resize', roi: [0.05, -0.1, 0.9, 1.2], extrapolationValue: 2.5 })],
  ['interpolate nhwc bilinear, one image in bands', (ops) => ops.interpolate(ramp([1, 300, 300, 3]), { scaleFactor: 1.5, mode: 'bilinear', layout: 'nhwc' })],
  ...(['bilinear', 'bicubic', 'nearest', 'area'] as const).map((mode) =>
    [`resizeImage ${mode} 2x RGBA, bands`, (ops: up.Operations) => ops.resizeImage(image(500, 300), { scale: 2 }, { mode })] as
      [string, (ops: up.Operations) => { data: ArrayBufferView }]),
  ['resizeImage bilinear antialias 0.3x RGB, bands', (ops) => ops.resizeImage(image(1200, 900, 3), { scale: 0.3 }, { antialias: true })],
  ['resizeImage bicubic gray 1.5x, bands', (ops) => ops.resizeImage(image(700, 500, 1), { scale: 1.5 }, { mode: 'bicubic' })],
];

for (const build of BUILDS) {
  describe(`tiles on the ${build} build (maximumMemory ${BUDGET} bytes)`, () => {
    let whole: OperationsInstance;
    let tiled: OperationsInstance;
    beforeAll(async () => {
      whole = await up.createOperations({ build });
      tiled = await up.createOperations({ build, maximumMemory: BUDGET });
    });

    it.each(CALLS)('%s: bit-identical to one pass, memory within the budget', async (_, run) => {
      whole = await up.createOperations({ build }); // fresh memories: each call's own high-water mark
      tiled = await up.createOperations({ build, maximumMemory: BUDGET });
      const expected = run(whole);
      const before = whole.memoryBytes;
      expect(before).toBeGreaterThan(BUDGET); // one pass needs more than the budget: this call tiles
      expectBitIdentical(run(tiled).data, expected.data);
      expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
    });

    it('writes tiles into `out` and into resident tensors in place', async () => {
      const x = ramp([1, 2, 300, 330]);
      const expected = whole.interpolate(x, { scaleFactor: 2, mode: 'bicubic' });
      const out = { data: new Float32Array(expected.data.length), shape: expected.shape };
      expect(tiled.interpolate(x, { scaleFactor: 2, mode: 'bicubic', out })).toBe(out);
      expectBitIdentical(out.data, expected.data);
      // Resident tensors count against the budget: 1.6 MB of them need a budget of 2 MiB.
      const ops = await up.createOperations({ build, maximumMemory: 2 * MIB });
      const small = ramp([1, 2, 40, 50]);
      const residentIn = ops.allocTensor(small.shape, small.data);
      const residentOut = ops.allocTensor([1, 2, 400, 500]);
      ops.interpolate(residentIn, { size: [400, 500], mode: 'bilinear', out: residentOut });
      expectBitIdentical(residentOut.data, whole.interpolate(small, { size: [400, 500], mode: 'bilinear' }).data);
      residentIn.dispose();
      residentOut.dispose();
    });

    it('writes convolution bands into `out` and into resident tensors, from resident inputs', async () => {
      const fresh = await up.createOperations({ build, maximumMemory: 2 * MIB });
      const x = ramp([1, 8, 150, 150]); // 720 KB
      const w = ramp([8, 4, 4, 4], 2);
      const expected = whole.convTranspose2d(x, w, { stride: 2, padding: 1 }); // 1.44 MB
      const out = { data: new Float32Array(expected.data.length), shape: expected.shape };
      expect(fresh.convTranspose2d(x, w, { stride: 2, padding: 1, out })).toBe(out);
      expectBitIdentical(out.data, expected.data);
      const output = fresh.allocTensor(expected.shape);
      fresh.convTranspose2d(x, w, { stride: 2, padding: 1, out: output }); // bands into a resident output
      expectBitIdentical(output.data, expected.data);
      output.dispose();
      const input = fresh.allocTensor(x.shape, x.data);
      const conv = whole.conv2d(x, ramp([6, 8, 3, 3], 2), { padding: 2, dilation: 2 });
      expectBitIdentical(fresh.conv2d(input, ramp([6, 8, 3, 3], 2), { padding: 2, dilation: 2 }).data, conv.data); // from a resident input
      expect(fresh.memoryBytes).toBeLessThanOrEqual(2 * MIB);
      input.dispose();
    });

    it('tiles resident tensors on a fresh instance, whose memory grows while it tiles (views taken again)', async () => {
      const fresh = await up.createOperations({ build, maximumMemory: 5 * MIB });
      const x = ramp([1, 2, 300, 330]);
      const input = fresh.allocTensor(x.shape, x.data);
      const output = fresh.allocTensor([1, 2, 600, 660]);
      fresh.interpolate(input, { scaleFactor: 2, mode: 'bicubic', out: output });
      expectBitIdentical(output.data, whole.interpolate(x, { scaleFactor: 2, mode: 'bicubic' }).data);
      const plain = fresh.interpolate(input, { scaleFactor: 2, mode: 'bilinear' }); // resident input, JS output: tiles
      expectBitIdentical(plain.data, whole.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }).data);
      expect(fresh.memoryBytes).toBeLessThanOrEqual(5 * MIB);
      input.dispose();
      output.dispose();
    });

    it('refuses a resident tensor past maximumMemory (they count against it), before allocating, and stays usable', async () => {
      const ops = await up.createOperations({ build, maximumMemory: 2 * MIB });
      const kept = ops.allocTensor([300, 1000], ramp([300, 1000]).data); // 1.2 MB
      const memory = ops.memoryBytes;
      expect(() => ops.allocTensor([300, 1000]))
        .toThrow(/^allocTensor: this tensor would end at byte \d+ of WebAssembly memory, past maximumMemory \(2097152 bytes\), which resident tensors count against/);
      expect(ops.memoryBytes).toBe(memory);
      expectBitIdentical(kept.data, ramp([300, 1000]).data);
      // Calls tile within what the resident tensor leaves.
      const x = ramp([1, 2, 300, 330]);
      expectBitIdentical(ops.interpolate(x, { scaleFactor: 2, mode: 'bicubic' }).data, whole.interpolate(x, { scaleFactor: 2, mode: 'bicubic' }).data);
      expect(ops.memoryBytes).toBeLessThanOrEqual(2 * MIB);
      kept.dispose();
      ops.allocTensor([300, 1000]).dispose(); // room again
    });

    it('release() starts a fresh instance when no resident tensor is live, and refuses while one is', async () => {
      const ops = await up.createOperations({ build });
      ops.interpolate(ramp([1, 4, 300, 300]), { scaleFactor: 2, mode: 'bilinear' });
      expect(ops.memoryBytes).toBeGreaterThan(4 * MIB);
      const kept = ops.allocTensor([4]);
      expect(await ops.release()).toBe(false);
      expect(ops.memoryBytes).toBeGreaterThan(4 * MIB);
      expect(Array.from(kept.data)).toEqual([0, 0, 0, 0]);
      kept.dispose();
      expect(await ops.release()).toBe(true);
      expect(ops.memoryBytes).toBeLessThan(MIB);
      const x = ramp([1, 1, 8, 8]);
      expectBitIdentical(ops.interpolate(x, { scaleFactor: 2, mode: 'bicubic' }).data, whole.interpolate(x, { scaleFactor: 2, mode: 'bicubic' }).data);
    });
  });
}

describe('init({ maximumMemory }) and release() at the package root', () => {
  afterAll(async () => { await up.init({ maximumMemory: 2 ** 28 }); });

  it('tiles the root operations within the budget, and release() returns the memory', async () => {
    await up.init({ build: 'simd', maximumMemory: 2 * MIB });
    expect(await up.release()).toBe(true);
    const x = ramp([1, 3, 500, 400]);
    const reference = up.js.interpolate(x, { scaleFactor: 2, mode: 'nearest' });
    expectBitIdentical(up.interpolate(x, { scaleFactor: 2, mode: 'nearest' }).data, reference.data);
    expect(up.backendInfo()!.memoryBytes).toBeLessThanOrEqual(2 * MIB);
    await up.init({ build: 'simd', maximumMemory: 2 ** 31 });
    up.interpolate(x, { scaleFactor: 2, mode: 'nearest' });
    expect(up.backendInfo()!.memoryBytes).toBeGreaterThan(8 * MIB);
    const resident = up.allocTensor([2]);
    expect(await up.release()).toBe(false);
    resident.dispose();
    expect(await up.release()).toBe(true);
    expect(up.backendInfo()!.memoryBytes).toBeLessThan(MIB);
    expectBitIdentical(up.interpolate(x, { scaleFactor: 2, mode: 'nearest' }).data, reference.data);
  });

  it('refuses a bad budget with the documented errors', async () => {
    await expect(up.init({ maximumMemory: '1' as unknown as number })).rejects.toThrow(TypeError);
    for (const bad of [0, 65535, 1.5, 2 ** 31 + 1, NaN, Infinity]) {
      await expect(up.init({ maximumMemory: bad })).rejects.toThrow(/^init: maximumMemory must be an integer number of bytes in \[65536, 2147483648\]/);
      await expect(up.createOperations({ maximumMemory: bad })).rejects.toThrow(RangeError);
    }
  });
});

describe('the pool tiles calls larger than its maximumMemory', () => {
  let pool: Awaited<ReturnType<typeof createPool>>;
  let whole: OperationsInstance;
  beforeAll(async () => {
    pool = await createPool({ threads: 2, maximumMemory: 4 * MIB });
    whole = await up.createOperations({ build: pool.build === 'scalar' ? 'simd' : pool.build });
  });
  afterAll(() => pool.close());

  it('bit-identical, memory within maximumMemory, calls in order', async () => {
    const x = ramp([2, 3, 400, 500]);
    const img = image(900, 700);
    const [a, b, c] = await Promise.all([
      pool.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }),
      pool.resizeImage(img, { scale: 2 }, { mode: 'bicubic' }),
      pool.conv2d(ramp([8, 4, 100, 100]), ramp([8, 4, 3, 3], 2), { padding: 1 }),
    ]);
    expectBitIdentical(a.data, whole.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }).data);
    expectBitIdentical(b.data, whole.resizeImage(img, { scale: 2 }, { mode: 'bicubic' }).data);
    expectBitIdentical(c.data, whole.conv2d(ramp([8, 4, 100, 100]), ramp([8, 4, 3, 3], 2), { padding: 1 }).data);
    expect(pool.memoryBytes).toBeLessThanOrEqual(4 * MIB);
  });

  it('bands one convolution sample, one NHWC image and a resize over axis 0: bit-identical, memory within maximumMemory', async () => {
    const calls: Array<(ops: up.Operations | typeof pool) => unknown> = [
      (ops) => ops.conv2d(ramp([1, 16, 200, 200]), ramp([8, 16, 3, 3], 2), { padding: 1, stride: [2, 1] }),
      (ops) => ops.convTranspose2d(ramp([1, 8, 260, 240]), ramp([8, 4, 4, 4], 2), { stride: 2, padding: 1 }),
      (ops) => ops.resizeBilinear(ramp([1, 600, 500, 3]), [900, 700], { halfPixelCenters: true }),
      (ops) => ops.resize(ramp([500, 4, 40, 30]), { scales: [1.5, 1, 1, 1], mode: 'linear' }),
    ];
    const results = await Promise.all(calls.map((run) => run(pool) as Promise<Tensor>));
    results.forEach((r, i) => expectBitIdentical(r.data, (calls[i](whole) as Tensor).data));
    expect(pool.memoryBytes).toBeLessThanOrEqual(4 * MIB);
  });

  it('rejects up front a call whose smallest tile cannot fit (one 5-D plane of depth 1), and stays usable', async () => {
    const before = pool.memoryBytes;
    await expect(pool.interpolate(ramp([1, 1, 1, 600, 600]), { scaleFactor: [1, 2, 2], mode: 'trilinear' }))
      .rejects.toThrow(/^this call needs \d+ bytes of WebAssembly memory( even for its smallest part)?, more than the 4194304 one call can have/);
    expect(pool.memoryBytes).toBe(before);
    const x = ramp([1, 1, 8, 8]);
    expectBitIdentical((await pool.interpolate(x, { scaleFactor: 2, mode: 'bicubic' })).data, whole.interpolate(x, { scaleFactor: 2, mode: 'bicubic' }).data);
  });
});

/**
 * Limits at the 2 GiB boundary, planned without allocating: outputs of 2^31 - 64 .. 2^32 bytes
 * from tiny inputs. Each array may hold at most 2^31 - 4 bytes of float32 (MAX_ELEMENTS); past
 * that, a RangeError names it. Below, a call whose smallest tile needs more than 2 GiB of
 * WebAssembly memory (one 5-D plane of depth 1) is refused up front; one that bands (2-D) is admitted.
 */
describe('exact limits at 2^31 - 64 .. 2^32 bytes', () => {
  let pool: Awaited<ReturnType<typeof createPool>>;
  beforeAll(async () => {
    await up.init({ build: 'simd' });
    pool = await createPool({ threads: 1, maximumMemory: 2 ** 31 });
  });
  afterAll(() => pool.close());

  const tiny2d: Tensor = ramp([1, 1, 2, 2]);
  const tiny3d: Tensor = ramp([1, 1, 1, 2, 2]);
  /** 2-D output sizes with exactly `bytes` bytes of float32: 16384 rows of bytes / 65536 floats. */
  const size2d = (bytes: number): [number, number] => [16384, bytes / 4 / 16384];

  const backends = async () => [
    ['simd', await up.createOperations({ build: 'simd' })],
    ['scalar', await up.createOperations({ build: 'scalar' })],
    ['js', up.js],
  ] as Array<[string, up.Operations]>;

  it.each([2 ** 31, 2 ** 31 + 65536, 2 ** 32])('an output of %d bytes is a RangeError naming it, before anything is allocated', async (bytes) => {
    const [h, w] = size2d(bytes);
    const message = new RegExp(`^the output \\(from size\\) \\[1, 1, ${h}, ${w}\\] has ${bytes / 4} elements, more than the 536870911 supported`);
    for (const [, ops] of await backends()) expect(() => ops.interpolate(tiny2d, { size: [h, w], mode: 'nearest' })).toThrow(message);
    await expect(pool.interpolate(tiny2d, { size: [h, w], mode: 'nearest' })).rejects.toThrow(message);
  });

  // One plane of depth 1 (no bands: a band is a range of depths), H x W = bytes / 4 with small
  // tables (2^29 - 16 = 298096 x 1801).
  it.each([[2 ** 31 - 65536, [1, 16384, 32767]], [2 ** 31 - 64, [1, 496 * 601, 1801]]])(
    'a 5-D output of %d bytes (one plane of depth 1) is refused up front on WebAssembly', async (bytes, size) => {
      expect(size[0] * size[1] * size[2] * 4).toBe(bytes);
      const memory = up.backendInfo()!.memoryBytes;
      for (const [name, ops] of await backends()) {
        if (name === 'js') continue; // plain JS has no WebAssembly memory: only each array is limited
        expect(() => ops.interpolate(tiny3d, { size, mode: 'trilinear' }))
          .toThrow(/^this call needs (\d+) bytes of WebAssembly memory( even for its smallest part)?, more than the 2147483648 one call can have/);
      }
      await expect(pool.interpolate(tiny3d, { size, mode: 'trilinear' })).rejects.toThrow(/more than the 2147483648 one call can have/);
      expect(up.backendInfo()!.memoryBytes).toBe(memory);
    });

  it('the admission arithmetic: a 2-D call of 2^31 - 64 bytes of output is admitted (it runs in bands), a 5-D one of depth 1 is not', async () => {
    const { admitJob } = await import('../src/wasm/executor.js');
    const { pendingOutput } = await import('../src/tiling/plan.js');
    const { prepareInterpolate } = await import('../src/interpolate.js');
    const { interpolateTiling } = await import('../src/tiling/families.js');
    const { stageInterpolate } = await import('../src/wasm/interpolate.js');
    const { runInterpolate } = await import('../src/js/interpolate.js');
    const module = await (await import('../src/init.js')).loadBuild('simd', true);
    const job = (x: Tensor, options: up.InterpolateOptions) => {
      const p = prepareInterpolate(x, options);
      return { plan: p.plan, inputs: p.inputs, output: pendingOutput(p.outputLength),
        backends: { wasm: stageInterpolate, js: runInterpolate, tiling: interpolateTiling } } as never;
    };
    expect(() => admitJob(module, job(tiny2d, { size: size2d(2 ** 31 - 65536), mode: 'bilinear' }))).not.toThrow();
    expect(() => admitJob(module, job(tiny2d, { size: [496 * 601, 1801], mode: 'bicubic' }))).not.toThrow(); // 2^31 - 64 bytes
    expect(() => admitJob(module, job(tiny3d, { size: [1, 16384, 32767], mode: 'trilinear' }))).toThrow(RangeError);
    expect(module.memoryBytes).toBeLessThan(MIB); // planning and admission allocate nothing large
  });

  it('the admission arithmetic: one convolution sample whose single pass needs over 2 GiB is admitted (it bands), a resize over axis 0 too', async () => {
    const { admitJob } = await import('../src/wasm/executor.js');
    const { pendingOutput } = await import('../src/tiling/plan.js');
    const { prepareConv } = await import('../src/conv/plan.js');
    const { convTiling } = await import('../src/tiling/conv-bands.js');
    const { stageConv } = await import('../src/wasm/conv.js');
    const { runConv } = await import('../src/js/conv.js');
    const { axisPasses } = await import('../src/resize.js');
    const { planResize } = await import('../src/rules/onnx.js');
    const { resizeTiling } = await import('../src/tiling/families.js');
    const { stageResize } = await import('../src/wasm/resize.js');
    const { runResize } = await import('../src/js/resize.js');
    const module = await (await import('../src/init.js')).loadBuild('simd', true);
    // conv2d of one pixel padded to a [16383, 32767] output (2^31 - 131068 bytes): its padded copy and output need 4 GiB in one pass.
    const conv = prepareConv(false, 2)(ramp([1, 1, 1, 1]), ramp([1, 1, 1, 1]), { padding: [8191, 16383] });
    expect(conv.outputLength).toBe(16383 * 32767);
    const convJob = { plan: conv.plan, inputs: conv.inputs, output: pendingOutput(conv.outputLength), backends: { wasm: stageConv, js: runConv, tiling: convTiling } };
    expect(() => admitJob(module, convJob as never)).not.toThrow();
    expect(() => admitJob(module, { ...convJob, backends: { wasm: stageConv, js: runConv } } as never)).toThrow(RangeError); // untiled: refused
    // resize of a [2, 8192, 16384] tensor over axis 0 (2 -> 3): 1 GiB in, 1.5 GiB out, planned without allocating them.
    const rules = planResize([2, 8192, 16384], { scales: [1.5, 1, 1], mode: 'linear' });
    const resizeJob = { plan: axisPasses([2, 8192, 16384], rules.outputShape, rules.axes, rules.extrapolationValue), inputs: { input: pendingOutput(2 * 8192 * 16384) },
      output: pendingOutput(3 * 8192 * 16384), backends: { wasm: stageResize, js: runResize, tiling: resizeTiling } };
    expect(() => admitJob(module, resizeJob as never)).not.toThrow();
    expect(() => admitJob(module, { ...resizeJob, backends: { wasm: stageResize, js: runResize } } as never)).toThrow(RangeError); // untiled: refused
    expect(module.memoryBytes).toBeLessThan(MIB);
  });

  it('resizeImage: each array up to 2^32 bytes; more is a RangeError before allocating', async () => {
    const px = image(1, 1);
    for (const [, ops] of await backends()) {
      expect(() => ops.resizeImage(px, { width: 65536, height: 16385 }))
        .toThrow(/^resizeImage: the result has 4295229440 bytes, more than the 4294967296 supported/);
    }
    await expect(pool.resizeImage(px, { width: 65536, height: 16385 })).rejects.toThrow(RangeError);
  });
});
