// Child process of test/relaxed.test.ts: runs the PyTorch fixtures on the relaxed-SIMD build of
// the built package (dist/, build/relaxed.wasm) in an engine started with relaxed SIMD enabled,
// and prints one JSON line: the build that ran and each case's worst difference. It exits non-zero
// when the relaxed build cannot be loaded, so the test fails instead of skipping.

import { readFileSync } from 'node:fs';
import * as up from '../../dist/index.js';
import { loadBuild } from '../../dist/init.js';

function decode(raw) {
  const bytes = Buffer.from(raw.data, 'base64');
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { data, shape: raw.shape };
}

function fixtures(family) {
  const file = JSON.parse(readFileSync(new URL(`../fixtures/${family}.json`, import.meta.url), 'utf8'));
  return file.cases.filter((c) => c.expected).map((c) => ({
    ...c,
    inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, decode(v)])),
    expected: decode(c.expected),
  }));
}

/** max |a - e| / max(1, max |e|) (the relative measure of test/helpers.ts), NaN-aware. */
function relativeError(actual, expected) {
  if (actual.shape.join() !== expected.shape.join() || actual.data.length !== expected.data.length) return Infinity;
  let scale = 1;
  for (const v of expected.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v)); // as test/helpers.ts
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    const a = actual.data[i];
    const d = Number.isNaN(e) || Number.isNaN(a) ? (Number.isNaN(a) && Number.isNaN(e) ? 0 : Infinity) : e === a ? 0 : Math.abs(a - e);
    if (d > worst) worst = d;
  }
  return worst / scale;
}

// With relaxed SIMD validated, the default init() must pick the relaxed build by itself.
const defaultBuild = (await up.init()).build;
const info = await up.init({ build: 'relaxed' });
const relaxedBytes = readFileSync(new URL('../../build/relaxed.wasm', import.meta.url));
const simd = await loadBuild('simd');
const cases = [];
for (const c of fixtures('interpolate')) {
  const run = () => up.interpolate(c.inputs.input, c.options);
  cases.push({ name: c.name, op: c.op, mode: c.options.mode ?? 'nearest', error: relativeError(run(), c.expected) });
}
// Convolutions (pixel shuffles are pure copies, untouched by madd).
for (const [index, c] of fixtures('conv').filter((k) => k.op.startsWith('conv')).entries()) {
  const options = { ...c.options };
  if (c.inputs.bias) options.bias = index % 2 === 0 ? c.inputs.bias : c.inputs.bias.data;
  const result = up[c.op](c.inputs.input, c.inputs.weight, options);
  cases.push({ name: c.name, op: c.op, error: relativeError(result, c.expected) });
}
console.log(JSON.stringify({
  info,
  defaultBuild,
  simdBuildLoaded: simd.simd && !simd.relaxedSimd,
  // f32x4.relaxed_madd is 0xfd 0x85 0x02: present once the kernels call madd().
  usesRelaxedMadd: relaxedBytes.includes(Buffer.from([0xfd, 0x85, 0x02])),
  cases,
}));
