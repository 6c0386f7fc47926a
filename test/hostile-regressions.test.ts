// What test/hostile-fuzz.test.ts found, each as the smallest call that failed before its fix, on
// the SIMD build, the scalar build and plain JS (and the pool where the fix is the pool's).

import { beforeAll, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import { detachedCopy, image, ramp, resizable } from './hostile-fuzz-cases.js';

describe('hostile fuzz regressions', () => {
  const builds: Array<[string, () => up.Operations & { allocTensor?: typeof up.allocTensor }]> = [];
  let simd: up.OperationsInstance;
  let scalar: up.OperationsInstance;
  beforeAll(async () => {
    [simd, scalar] = await Promise.all([up.createOperations({ build: 'simd' }), up.createOperations({ build: 'scalar' })]);
  });
  builds.push(['wasm-simd', () => simd], ['wasm-scalar', () => scalar], ['js', () => up.js]);
  const x = () => ramp([1, 2, 3, 4]);
  let fresh2d = 0;

  /** Runs `body` with Object.prototype[key] = value, then removes it. */
  function polluted<T>(key: string, value: unknown, body: () => T): T {
    (Object.prototype as Record<string, unknown>)[key] = value;
    try {
      return body();
    } finally {
      delete (Object.prototype as Record<string, unknown>)[key];
    }
  }

  describe.each(builds)('%s', (_, ops) => {
    it('a cached plan does not let values that are not plain data skip validation (toJSON, boxed numbers, undefined unknown options)', () => {
      ops().interpolate(x(), { size: [6, 8], mode: 'bilinear' });
      expect(() => ops().interpolate(x(), { size: { toJSON: () => [6, 8] } as never, mode: 'bilinear' })).toThrow(TypeError);
      ops().interpolate(x(), { scaleFactor: 2, mode: 'bilinear' });
      expect(() => ops().interpolate(x(), { scaleFactor: new Number(2) as never, mode: 'bilinear' })).toThrow(TypeError);
      ops().resize(x(), { sizes: [1, 2, 5, 5], mode: 'linear' });
      expect(() => ops().resize(x(), { sizes: [1, 2, 5, 5], mode: 'linear', bogus: undefined } as never)).toThrow(/unknown option 'bogus'/);
      ops().upsampleArgmax(x(), { size: [5, 5] });
      expect(() => ops().upsampleArgmax(x(), { size: { toJSON: () => [5, 5] } as never })).toThrow(TypeError);
    });

    it('a cached plan is not served for a value JSON spells the same (-0 and 0, -Infinity and Infinity)', () => {
      const crop = (extrapolationValue: number) => ({ sizes: [1, 1, 6, 6], mode: 'linear' as const, coordinateTransformationMode: 'tf_crop_and_resize' as const,
        roi: [0, 0, -0.5, -0.5, 1, 1, 1.5, 1.5], extrapolationValue });
      const logits = { data: Float32Array.from({ length: 16 }, (_, i) => i - 8), shape: [1, 1, 4, 4] };
      for (const [first, then] of [[0, -0], [Infinity, -Infinity]]) {
        ops().resize(x(), crop(first));
        expect(Object.is(ops().resize(x(), crop(then)).data[0], then)).toBe(true); // the fill outside the roi
      }
      expect(ops().upsampleThreshold(logits, { size: [5, 5], threshold: Infinity }).data[0]).toBe(0);
      expect(ops().upsampleThreshold(logits, { size: [5, 5], threshold: -Infinity }).data[0]).toBe(255);
    });

    it('an option inherited from a polluted Object.prototype is ignored, as an own-properties-only read of the options', () => {
      const w = ramp([3, 2, 3, 3], 5);
      const img = image();
      const expected = [
        ops().conv2d(x(), w).data, ops().interpolate(x(), { scaleFactor: 2 }).data,
        ops().resizeImage(img, { width: 7, height: 3 }).data, ops().resize(x(), { scales: [1, 1, 2, 2] }).data,
      ];
      expect(polluted('stride', 2, () => ops().conv2d(x(), w)).data).toEqual(expected[0]);
      expect(polluted('mode', 'bicubic', () => ops().interpolate(x(), { scaleFactor: 2 })).data).toEqual(expected[1]);
      expect(polluted('scale', 2, () => ops().resizeImage(img, { width: 7, height: 3 })).data).toEqual(expected[2]);
      expect(polluted('mode', 'cubic', () => ops().resize(x(), { scales: [1, 1, 2, 2] })).data).toEqual(expected[3]);
    });

    it('an array is not an options object', () => {
      expect(() => ops().conv2d(x(), ramp([3, 2, 3, 3]), [] as never)).toThrow(/conv2d: options must be an object, but got an array/);
      expect(() => ops().pixelShuffle(ramp([1, 4, 2, 2]), 2, [] as never)).toThrow(TypeError);
      expect(() => ops().resize(x(), [] as never)).toThrow(TypeError);
      expect(() => ops().resizeBilinear(ramp([1, 3, 3, 2]), [4, 4], [] as never)).toThrow(TypeError);
    });

    it("each element of an option's list is read once (a Proxy that answers differently later)", () => {
      // A size no call planned before (a cached plan would read the list only for its key).
      const fresh = 20 + fresh2d++;
      const reads: number[] = [0, 0];
      const size = new Proxy([fresh, 8], { get: (t, k, r) => (k === '0' || k === '1' ? (reads[Number(k)]++ ? 1e9 : Reflect.get(t, k, r)) : Reflect.get(t, k, r)) });
      expect(ops().interpolate(x(), { size, mode: 'bilinear' }).shape).toEqual([1, 2, fresh, 8]);
      expect(reads).toEqual([1, 1]);
    });
  });

  describe.each(builds)('%s', (_, ops) => {
    it("a getter read after the input was checked that detaches or shrinks the input's buffer: refused, out untouched", () => {
      for (const [how, type, message] of [['detach', TypeError, /^input\.data was detached after it was checked/], ['shrink', RangeError, /^input\.data has 0 elements, but had 24/]] as const) {
        const buffer = resizable(24 * 4);
        const input = { data: new Float32Array(buffer), shape: [1, 2, 3, 4] };
        input.data.set(x().data);
        const out = { data: new Float32Array(2 * 6 * 8).fill(5), shape: [1, 2, 6, 8] };
        const options = { size: [6, 8], out, get mode() {
          if (how === 'detach') structuredClone(buffer, { transfer: [buffer] });
          else buffer.resize(0);
          return 'bilinear' as const;
        } };
        let error: unknown;
        try { ops().interpolate(input, options); } catch (e) { error = e; }
        expect(error).toBeInstanceOf(type);
        expect((error as Error).message).toMatch(message);
        expect(out.data.every((v) => v === 5)).toBe(true);
        // A resizable buffer that stays as it was is fine.
        expect(() => ops().interpolate({ data: new Float32Array(resizable(96)), shape: [1, 2, 3, 4] }, {
          size: [6, 8], get mode() { return 'bilinear' as const; } })).not.toThrow();
      }
    });

    it("a detached image or tensor is refused even after length-tracking views of resizable buffers ran through the check (V8 11's stale length)", () => {
      const img = image();
      const tracking = () => { const b = resizable(80); const v = new Uint8ClampedArray(b); v.set(img.data); return { ...img, data: v }; };
      const tensorTracking = () => { const b = resizable(96); return { data: new Float32Array(b), shape: [1, 4, 2, 3] }; };
      for (let i = 0; i < 3000; i++) {
        ops().resizeImage(i % 50 === 0 ? tracking() : img, { width: 2, height: 2 }, { mode: 'nearest' });
        ops().pixelShuffle(i % 50 === 0 ? tensorTracking() : { data: x().data, shape: [1, 4, 2, 3] }, 2);
        if (i % 100 === 0) {
          expect(() => ops().resizeImage({ ...img, data: detachedCopy(img.data) }, { width: 2, height: 2 }, { mode: 'nearest' })).toThrow(); // any refusal: the bug accepted it
          expect(() => ops().pixelShuffle({ data: detachedCopy(x().data), shape: [1, 4, 2, 3] }, 2)).toThrow();
        }
      }
    });
  });

  it.each([['wasm-simd', () => simd], ['wasm-scalar', () => scalar]] as const)('%s: allocTensor reads its shape once', (_, ops) => {
    const reads = [0, 0];
    const shape = new Proxy([2, 3], { get: (t, k, r) => (k === '0' || k === '1' ? (reads[Number(k)]++ ? 2 ** 31 : Reflect.get(t, k, r)) : Reflect.get(t, k, r)) });
    const tensor = ops().allocTensor(shape);
    expect(tensor.shape).toEqual([2, 3]);
    expect(reads).toEqual([1, 1]);
    tensor.dispose();
  });
});
