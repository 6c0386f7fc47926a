// The seed's central claim, as a property on random shapes: a transposed convolution equals a
// stride-1 convolution over the input with (stride-1) zeros inserted between samples, padded by
// dilation*(k-1) - padding on each side (plus outputPadding at the end), with the kernel flipped
// and its input/output channels swapped (per group). Both sides run on the backend under test;
// a direct scatter (the definition) checks the pair.

import { beforeAll, describe, expect, it } from 'vitest';
import { backends, expectClose } from './helpers.js';
import type { Tensor } from '../src/index.js';

/** mulberry32: a small deterministic generator. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Params {
  dims: number; batch: number; groups: number; cin: number; cout: number;
  size: number[]; k: number[]; s: number[]; p: number[]; d: number[]; op: number[];
}

function draw(rand: () => number): Params {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  for (;;) {
    const dims = int(1, 3);
    const groups = [1, 2, 3][int(0, 2)];
    const per = (lo: number, hi: number) => Array.from({ length: dims }, () => int(lo, hi));
    const prm: Params = {
      dims, batch: int(1, 2), groups, cin: groups * int(1, 3), cout: groups * int(1, 5),
      size: per(1, dims === 3 ? 4 : 7), k: per(1, 4), s: per(1, 3), p: per(0, 3), d: per(1, 3), op: [],
    };
    prm.op = prm.s.map((s, i) => (rand() < 0.5 ? 0 : int(0, Math.max(s, prm.d[i]) - 1)));
    const out = prm.size.map((n, i) => (n - 1) * prm.s[i] - 2 * prm.p[i] + prm.d[i] * (prm.k[i] - 1) + prm.op[i] + 1);
    if (out.every((n) => n > 0)) return prm;
  }
}

const tensor = (shape: number[], rand: () => number): Tensor =>
  ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => rand() * 2 - 1), shape });

/** Strides of a row-major shape. */
const strides = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/** All index tuples of a shape, row-major. */
function* indices(shape: number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const st = strides(shape);
  for (let f = 0; f < n; f++) yield shape.map((m, i) => Math.floor(f / st[i]) % m);
}

/** Zeros between samples, then `lo` zeros before and `hi` after each axis (negative: crop). */
function dilateAndPad(x: Tensor, s: number[], lo: number[], hi: number[]): Tensor {
  const lead = x.shape.slice(0, 2);
  const sp = x.shape.slice(2);
  const outSp = sp.map((n, i) => (n - 1) * s[i] + 1 + lo[i] + hi[i]);
  const y: Tensor = { data: new Float32Array(lead[0] * lead[1] * outSp.reduce((a, b) => a * b, 1)), shape: [...lead, ...outSp] };
  const xs = strides(x.shape);
  const ys = strides(y.shape);
  for (const idx of indices(x.shape)) {
    const pos = idx.slice(2).map((i, a) => i * s[a] + lo[a]);
    if (pos.some((q, a) => q < 0 || q >= outSp[a])) continue;
    y.data[idx[0] * ys[0] + idx[1] * ys[1] + pos.reduce((acc, q, a) => acc + q * ys[a + 2], 0)] =
      x.data[idx.reduce((acc, i, a) => acc + i * xs[a], 0)];
  }
  return y;
}

/** (Cin, Cout/g, *k) -> (Cout, Cin/g, *k) per group, flipped along every spatial axis. */
function flipSwap(w: Tensor, groups: number): Tensor {
  const [cin, coutG, ...k] = w.shape;
  const cinG = cin / groups;
  const shape = [coutG * groups, cinG, ...k];
  const out: Tensor = { data: new Float32Array(w.data.length), shape };
  const ws = strides(w.shape);
  const os = strides(shape);
  for (const idx of indices(w.shape)) {
    const [ci, co] = idx;
    const g = Math.floor(ci / cinG);
    const t = idx.slice(2).map((v, a) => k[a] - 1 - v);
    out.data[(g * coutG + co) * os[0] + (ci % cinG) * os[1] + t.reduce((acc, v, a) => acc + v * os[a + 2], 0)] =
      w.data[idx.reduce((acc, v, a) => acc + v * ws[a], 0)];
  }
  return out;
}

/** The definition: out[n, g*Cout/g + co, i*s - p + t*d] += w[ci, co, t] * x[n, ci, i]. */
function scatter(x: Tensor, w: Tensor, prm: Params, outSp: number[]): Tensor {
  const { batch, groups, cin, cout } = prm;
  const coutG = cout / groups;
  const cinG = cin / groups;
  const y: Tensor = { data: new Float32Array(batch * cout * outSp.reduce((a, b) => a * b, 1)), shape: [batch, cout, ...outSp] };
  const acc = new Float64Array(y.data.length);
  const xs = strides(x.shape);
  const ws = strides(w.shape);
  const ys = strides(y.shape);
  for (const xi of indices(x.shape)) {
    const [n, ci, ...i] = xi;
    const v = x.data[xi.reduce((a, q, j) => a + q * xs[j], 0)];
    const g = Math.floor(ci / cinG);
    for (const wi of indices([coutG, ...prm.k])) {
      const [co, ...t] = wi;
      const o = i.map((q, a) => q * prm.s[a] - prm.p[a] + t[a] * prm.d[a]);
      if (o.some((q, a) => q < 0 || q >= outSp[a])) continue;
      acc[n * ys[0] + (g * coutG + co) * ys[1] + o.reduce((a, q, j) => a + q * ys[j + 2], 0)] +=
        w.data[ci * ws[0] + co * ws[1] + t.reduce((a, q, j) => a + q * ws[j + 2], 0)] * v;
    }
  }
  y.data.set(acc);
  return y;
}

const TRIALS = 60;

describe.each(backends)('transposed convolution = convolution over the zero-inserted input, on $name', (backend) => {
  beforeAll(() => backend.setup());

  it(`holds on ${TRIALS} random shapes`, () => {
    const rand = random(20261125);
    let cropped = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const prm = draw(rand);
      const { dims, batch, groups, cin, cout } = prm;
      const x = tensor([batch, cin, ...prm.size], rand);
      const w = tensor([cin, cout / groups, ...prm.k], rand);
      const name = `trial ${trial}: ${JSON.stringify(prm)}`;
      const convT = backend.ops[`convTranspose${dims}d` as 'convTranspose2d'];
      const conv = backend.ops[`conv${dims}d` as 'conv2d'];
      const y = convT(x, w, { stride: prm.s, padding: prm.p, outputPadding: prm.op, dilation: prm.d, groups });

      const lo = prm.k.map((k, i) => prm.d[i] * (k - 1) - prm.p[i]);
      const hi = lo.map((v, i) => v + prm.op[i]);
      if (lo.some((v) => v < 0)) cropped++;
      const z = conv(dilateAndPad(x, prm.s, lo, hi), flipSwap(w, groups), { dilation: prm.d, groups });
      expect(z.shape, name).toEqual(y.shape);
      expectClose(z, y, 1e-4);
      expectClose(y, scatter(x, w, prm, y.shape.slice(2)), 1e-4);
    }
    expect(cropped).toBeGreaterThan(0); // padding > dilation*(k-1) (a crop) was exercised too
  });
});
