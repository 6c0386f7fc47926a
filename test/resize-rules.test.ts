// The ONNX Resize and TensorFlow rule modules against their fixtures, through a plain separable
// evaluator written here: each table applied along its axis, accumulating in float64, rounded to
// float32 at the end (the ONNX reference computes in float64 too), then the tf_crop_and_resize
// extrapolation wherever any axis marks the output outside. Nearest must match exactly; linear
// and cubic within 1e-5 * max(1, |expected|).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planResize, type ResizeAxis, type ResizeOptions } from '../src/rules/onnx.js';
import { planResizeBilinear, planResizeNearestNeighbor } from '../src/rules/tf.js';

interface TensorJson { shape: number[]; data: string; dtype?: string }
interface Case {
  name: string;
  op: string;
  inputs: { input: TensorJson };
  options: Record<string, unknown>;
  size?: [number, number];
  expected?: TensorJson;
  error?: { type: string; message: string };
}

function load(path: string): Case[] {
  return (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { cases: Case[] }).cases;
}

function decode(t: TensorJson): Float32Array {
  const b = Buffer.from(t.data, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const product = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Applies the plan's tables axis by axis (float64), then the extrapolation marks. */
function evaluate(x: Float32Array, inputShape: number[], outputShape: number[], axes: ResizeAxis[],
                  extrapolationValue: number): Float32Array {
  let data: Float64Array = Float64Array.from(x);
  const shape = inputShape.slice();
  for (const { axis, table } of axes) {
    const outer = product(shape.slice(0, axis));
    const inner = product(shape.slice(axis + 1));
    const next = new Float64Array(outer * table.outSize * inner);
    for (let a = 0; a < outer; a++) {
      for (let o = 0; o < table.outSize; o++) {
        for (let b = 0; b < inner; b++) {
          let s = 0;
          for (let t = 0; t < table.taps; t++) {
            const w = table.weight[o * table.taps + t];
            if (w !== 0) s += w * data[(a * shape[axis] + table.index[o * table.taps + t]) * inner + b];
          }
          next[(a * table.outSize + o) * inner + b] = s;
        }
      }
    }
    data = next;
    shape[axis] = table.outSize;
  }
  expect(shape).toEqual(outputShape);
  const out = Float32Array.from(data);
  const marked = axes.filter((a) => a.outside);
  if (marked.length > 0) {
    const strides = outputShape.map((_, i) => product(outputShape.slice(i + 1)));
    for (let i = 0; i < out.length; i++) {
      if (marked.some(({ axis, outside }) => outside![Math.floor(i / strides[axis]) % outputShape[axis]])) {
        out[i] = extrapolationValue;
      }
    }
  }
  return out;
}

const stats = { maxRel: 0, worst: '' };
const tfStats = { maxRel: 0, worst: '' };

function compare(name: string, got: Float32Array, want: Float32Array, exact: boolean, into = stats): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (exact) {
      if (!Object.is(got[i], want[i])) expect.fail(`${name}: element ${i} is ${got[i]}, expected ${want[i]} exactly`);
      continue;
    }
    const rel = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (rel > into.maxRel) { into.maxRel = rel; into.worst = name; }
    if (!(rel <= 1e-5)) expect.fail(`${name}: element ${i} is ${got[i]}, expected ${want[i]} (relative ${rel})`);
  }
}

function errorClass(type: string): ErrorConstructor {
  return type === 'TypeError' ? TypeError : type === 'RangeError' ? RangeError : Error;
}

describe('ONNX Resize rules (test/fixtures/resize-onnx.json)', () => {
  const cases = load('./fixtures/resize-onnx.json');
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(500));
  // The rules are the same for every element type: the integer cases (their rounding) are
  // test/resize.test.ts's, through the backends.
  for (const c of cases.filter((k) => k.inputs.input.dtype === undefined)) {
    it(c.name, () => {
      const x = c.inputs.input;
      const options = c.options as ResizeOptions;
      if (c.error) {
        expect(() => planResize(x.shape, options)).toThrow(errorClass(c.error.type));
        return;
      }
      const plan = planResize(x.shape, options);
      const got = evaluate(decode(x), x.shape, plan.outputShape, plan.axes, plan.extrapolationValue);
      compare(c.name, got, decode(c.expected!), (options.mode ?? 'nearest') === 'nearest');
    });
  }
  it('reports the largest relative error', () => {
    console.log(`resize-onnx: max relative error ${stats.maxRel.toExponential(2)} (${stats.worst})`);
  });
});

describe('ONNX Resize rules: the option checks', () => {
  it('names the argument and the value', () => {
    expect(() => planResize([1, 4], { scales: [1, 2], mode: 'area' as never })).toThrow(/mode must be one of .*'area'/);
    expect(() => planResize([1, 4], { sizes: [1, 2.5] })).toThrow(RangeError);
    expect(() => planResize([1, 4], { sizes: '12' as never })).toThrow(TypeError);
    expect(() => planResize([1, 4], { scales: [1, 2], antialias: 'yes' as never })).toThrow(TypeError);
    expect(() => planResize([1, 4], { scales: [1, 2], cubicCoeffA: '1' as never })).toThrow(TypeError);
    expect(() => planResize([1, 4], { scales: [1, 2], foo: 1 } as never)).toThrow(/unknown option 'foo'/);
    expect(() => planResize([1, 4], { scales: [1, 2], axes: [] })).toThrow(RangeError);
    expect(() => planResize([1, 4], { scales: [1, 2], roi: [0, 0, 1] })).toThrow(/roi must have 4 elements/);
  });
  it('marks tf_crop_and_resize outputs outside the input', () => {
    const plan = planResize([1, 4], { axes: [1], sizes: [5], roi: [-0.5, 1.5], mode: 'linear',
      coordinateTransformationMode: 'tf_crop_and_resize', extrapolationValue: 2 });
    expect(Array.from(plan.axes[0].outside!)).toEqual([1, 0, 0, 0, 1]);
  });
});

describe('TensorFlow rules (test/fixtures/resize-tf.json)', () => {
  const cases = load('./fixtures/resize-tf.json');
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(50));
  for (const c of cases) {
    it(c.name, () => {
      const x = c.inputs.input;
      const plan = c.op === 'resizeBilinear' ? planResizeBilinear : planResizeNearestNeighbor;
      if (c.error) {
        expect(() => plan(x.shape, c.size!, c.options)).toThrow(errorClass(c.error.type));
        return;
      }
      const p = plan(x.shape, c.size!, c.options);
      const got = evaluate(decode(x), x.shape, p.outputShape, p.axes, 0);
      compare(c.name, got, decode(c.expected!), c.op === 'resizeNearestNeighbor', tfStats);
    });
  }
  it('reports the largest relative error', () => {
    console.log(`resize-tf: max relative error ${tfStats.maxRel.toExponential(2)} (${tfStats.worst})`);
  });
});
