// Hostile and wrong input, table-driven: every operation refuses with the documented error class
// (TypeError for a wrong type, RangeError for a value or shape out of range, Error otherwise) and
// a message naming the argument, without touching its arguments or the module's memory; after
// each refusal a valid call still returns exactly the right answer. On the SIMD build, the
// scalar build and plain JS.

import { beforeAll, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import { loadedModule } from '../src/init.js';
import type { Operations, Tensor } from '../src/index.js';

type OpName = 'interpolate' | 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' |
  'convTranspose3d' | 'pixelShuffle' | 'pixelUnshuffle';

interface Row {
  op: OpName;
  what: string;
  /** Fresh arguments for each run (so a refusal that wrote into them would be seen). */
  args: () => unknown[];
  type: ErrorConstructor;
  message: RegExp;
}

const ramp = (shape: number[], offset = 0): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => ((i * 7 + offset) % 23) / 11 - 1), shape };
};

// ---- a valid call of each operation; hostile rows replace one argument ----

interface Valid { input: number[]; weight?: number[]; options: Record<string, unknown>; factor?: number }
const VALID: Record<OpName, Valid> = {
  interpolate: { input: [1, 2, 3, 4], options: { size: [6, 8], mode: 'bilinear' } },
  conv1d: { input: [1, 2, 7], weight: [3, 2, 3], options: { padding: 1 } },
  conv2d: { input: [1, 2, 5, 6], weight: [3, 2, 3, 3], options: { stride: 2 } },
  conv3d: { input: [1, 2, 4, 4, 4], weight: [3, 2, 2, 2, 2], options: {} },
  convTranspose1d: { input: [1, 2, 5], weight: [2, 3, 3], options: { stride: 2 } },
  convTranspose2d: { input: [1, 2, 4, 5], weight: [2, 3, 3, 3], options: { stride: 2, padding: 1 } },
  convTranspose3d: { input: [1, 2, 3, 3, 3], weight: [2, 3, 2, 2, 2], options: { stride: [2, 1, 2] } },
  pixelShuffle: { input: [1, 8, 3, 4], options: {}, factor: 2 },
  pixelUnshuffle: { input: [1, 2, 4, 6], options: {}, factor: 2 },
};
const OPS = Object.keys(VALID) as OpName[];
const isConv = (op: OpName) => op.startsWith('conv');
const isShuffle = (op: OpName) => op.startsWith('pixel');
const dimsOf = (op: OpName) => (isConv(op) ? Number(op.at(-2)) : 2);

/** The arguments of the valid call, with `input`, `weight`, `factor` or options overridden. */
function argsFor(op: OpName, o: { input?: unknown; weight?: unknown; factor?: unknown; options?: unknown; merge?: Record<string, unknown> } = {}): unknown[] {
  const v = VALID[op];
  const input = 'input' in o ? o.input : ramp(v.input);
  const options = 'options' in o ? o.options : { ...v.options, ...o.merge };
  if (isConv(op)) return [input, 'weight' in o ? o.weight : ramp(v.weight!, 5), options];
  if (isShuffle(op)) return [input, 'factor' in o ? o.factor : v.factor, options];
  return [input, options];
}

function call(ops: Operations, op: OpName, args: unknown[]): Tensor {
  return (ops[op] as (...a: unknown[]) => Tensor)(...args);
}

// ---- hostile tensors, for `input`, `weight` and `out` ----

let detachedForeign: Float32Array;
let detachedOwn: Float32Array;

function hostileTensors(name: string, shape: number[]): Array<{ what: string; value: () => unknown; type: ErrorConstructor; message: RegExp }> {
  const n = shape.reduce((a, b) => a * b, 1);
  const f32 = () => new Float32Array(n);
  const arg = new RegExp(`\\b${name}\\b`);
  const data = new RegExp(`\\b${name}\\.data\\b`);
  const shp = new RegExp(`\\b${name}\\.shape\\b`);
  const rows = [
    { what: 'null', value: () => null, type: TypeError, message: arg },
    { what: 'a string', value: () => 'tensor', type: TypeError, message: arg },
    { what: 'a number', value: () => 42, type: TypeError, message: arg },
    { what: 'an object without data or shape', value: () => ({}), type: TypeError, message: data },
    { what: 'an object without shape', value: () => ({ data: f32() }), type: TypeError, message: shp },
    { what: 'a bare Float32Array', value: () => f32(), type: TypeError, message: new RegExp(`\\b${name} must be a Tensor .* but got a bare Float32Array`) },
    { what: 'Float64Array data', value: () => ({ data: new Float64Array(n), shape }), type: TypeError, message: /\.data must be (a Float32Array|one of Float32Array, .*), but got Float64Array/ },
    { what: 'plain-array data', value: () => ({ data: Array.from({ length: n }, () => 0), shape }), type: TypeError, message: data },
    { what: 'Uint8Array data', value: () => ({ data: new Uint8Array(n), shape }), type: TypeError, message: data },
    { what: 'null data', value: () => ({ data: null, shape }), type: TypeError, message: data },
    { what: 'a string shape', value: () => ({ data: f32(), shape: shape.join(',') }), type: TypeError, message: shp },
    { what: 'a string in the shape', value: () => ({ data: f32(), shape: [String(shape[0]), ...shape.slice(1)] }), type: TypeError, message: shp },
    { what: 'a negative dimension', value: () => ({ data: f32(), shape: [-shape[0], ...shape.slice(1)] }), type: RangeError, message: shp },
    { what: 'a non-integer dimension', value: () => ({ data: f32(), shape: [shape[0] + 0.5, ...shape.slice(1)] }), type: RangeError, message: shp },
    { what: 'a NaN dimension', value: () => ({ data: f32(), shape: [NaN, ...shape.slice(1)] }), type: RangeError, message: shp },
    { what: 'an Infinity dimension', value: () => ({ data: f32(), shape: [Infinity, ...shape.slice(1)] }), type: RangeError, message: shp },
    { what: 'data longer than the shape', value: () => ({ data: new Float32Array(n + 1), shape }), type: RangeError, message: data },
    { what: 'data shorter than the shape', value: () => ({ data: new Float32Array(n - 1), shape }), type: RangeError, message: data },
    { what: 'a shape product over 2^31', value: () => ({ data: f32(), shape: [65536, 65536, ...shape.slice(2)] }), type: RangeError, message: /shape .* elements, more than/ },
    { what: 'a shape product over 2^53', value: () => ({ data: f32(), shape: shape.map(() => 2 ** 30) }), type: RangeError, message: /shape .* elements, more than/ },
    { what: 'a view into WebAssembly memory detached by growth', value: () => ({ data: detachedForeign, shape }), type: TypeError, message: /\.data is a view of a detached ArrayBuffer/ },
    { what: "a view into the module's own memory detached by growth", value: () => ({ data: detachedOwn, shape }), type: TypeError, message: /\.data is a view of a detached ArrayBuffer/ },
  ];
  return rows;
}

function outShape(op: OpName): number[] {
  return call(up.js, op, argsFor(op)).shape;
}

function buildRows(): Row[] {
  const rows: Row[] = [];
  const add = (op: OpName, what: string, args: () => unknown[], type: ErrorConstructor, message: RegExp) =>
    rows.push({ op, what, args, type, message });

  for (const op of OPS) {
    const v = VALID[op];
    for (const h of hostileTensors('input', v.input)) {
      if (op === 'interpolate' && h.what === 'Uint8Array data') continue; // a typed operation takes it (test/dtypes.test.ts)
      add(op, `input: ${h.what}`, () => argsFor(op, { input: h.value() }), h.type, h.message);
    }
    if (op === 'interpolate' || isConv(op)) {
      add(op, 'input: undefined', () => argsFor(op, { input: undefined }), TypeError, /\binput\b/);
    }
    if (isConv(op)) {
      for (const h of hostileTensors('weight', v.weight!)) add(op, `weight: ${h.what}`, () => argsFor(op, { weight: h.value() }), h.type, h.message);
    }
    const shape = outShape(op);
    for (const h of hostileTensors('out', shape)) {
      if (h.what === 'null') continue; // covered below with the message it gets
      add(op, `out: ${h.what}`, () => argsFor(op, { merge: { out: h.value() } }), h.type, h.message);
    }
    add(op, 'out: null', () => argsFor(op, { merge: { out: null } }), TypeError, /\bout\b/);
    add(op, 'out: the wrong shape', () => argsFor(op, { merge: { out: { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape: [...shape.slice(0, -1), 1, shape.at(-1)!] } } }),
      RangeError, /\bout has shape/);
    add(op, 'out: overlapping the input', () => {
      const n = v.input.reduce((a, b) => a * b, 1);
      const m = shape.reduce((a, b) => a * b, 1);
      const buffer = new Float32Array(n + m);
      const input = { data: buffer.subarray(0, n), shape: v.input };
      input.data.set(ramp(v.input).data);
      return argsFor(op, { input, merge: { out: { data: buffer.subarray(n - 1, n - 1 + m), shape } } });
    }, Error, /\bout must not share memory with an input/);

    // Ranks outside the operation's, and empty dimensions.
    const badRanks = isShuffle(op) ? [0, 1, 2] : isConv(op) ? [0, 1, 2, dimsOf(op) + 3, 7].filter((r) => r !== dimsOf(op) + 1 && r !== dimsOf(op) + 2) : [0, 1, 2, 6, 7];
    for (const r of badRanks) {
      const s = Array.from({ length: r }, () => 2);
      add(op, `input of rank ${r}`, () => argsFor(op, { input: ramp(s) }), Error, /input/i);
    }
    if (!isShuffle(op)) {
      const empty = v.input.slice();
      empty[2] = 0;
      add(op, 'an empty spatial dimension', () => argsFor(op, { input: ramp(empty) }), RangeError, /input/i);
    }

    // Options objects.
    const unknown = { interpolate: 'mdoe', conv: 'strides', shuffle: 'outt' };
    const typo = op === 'interpolate' ? unknown.interpolate : isConv(op) ? unknown.conv : unknown.shuffle;
    add(op, `options: unknown name '${typo}'`, () => argsFor(op, { merge: { [typo]: 1 } }), TypeError, new RegExp(`unknown option '${typo}'`));
    add(op, 'options: a string', () => argsFor(op, { options: 'bilinear' }), TypeError, /options must be an object/);
    add(op, 'options: null', () => argsFor(op, { options: null }), TypeError, /options must be an object/);
  }

  // ---- interpolate ----
  const I = (what: string, options: Record<string, unknown>, type: ErrorConstructor, message: RegExp) =>
    add('interpolate', what, () => argsFor('interpolate', { options }), type, message);
  I('options: undefined', undefined as unknown as Record<string, unknown>, TypeError, /options must be an object/);
  I('options: scale_factor (PyTorch spelling)', { scale_factor: 2 }, TypeError, /unknown option 'scale_factor'/);
  I('neither size nor scaleFactor', { mode: 'bilinear' }, Error, /size or scale_factor/);
  I('both size and scaleFactor', { size: 6, scaleFactor: 2 }, Error, /size or scale_factor/);
  for (const [what, size, type, message] of [
    ['-1', -1, RangeError, /size/], ['[6, -1]', [6, -1], RangeError, /size/], ['0', 0, RangeError, /output sizes should be greater than 0/],
    ['1.5', 1.5, TypeError, /size/], ['NaN', NaN, TypeError, /size/], ['Infinity', Infinity, TypeError, /size/],
    ["'6'", '6', TypeError, /size/], ["[6, '8']", [6, '8'], TypeError, /size/], ['null', null, TypeError, /size/],
    ['an object', { h: 6 }, TypeError, /size/], ['[6] (too few)', [6], Error, /output size/], ['[6, 8, 2] (too many)', [6, 8, 2], Error, /output size/],
    ['[100000, 100000] (output over 2^31 elements)', [100000, 100000], RangeError, /output \(from size\).*elements, more than/],
    ['2^31 (one axis over the limit)', 2 ** 31, RangeError, /output \(from size\).*more than/],
  ] as Array<[string, unknown, ErrorConstructor, RegExp]>) {
    I(`size ${what}`, { size, mode: 'bilinear' }, type, message);
  }
  for (const [what, scaleFactor, type, message] of [
    ['-2', -2, RangeError, /scaleFactor/], ['NaN', NaN, RangeError, /scaleFactor/], ['Infinity', Infinity, RangeError, /scaleFactor/],
    ['-Infinity', -Infinity, RangeError, /scaleFactor/], ['0', 0, RangeError, /output sizes should be greater than 0/],
    ['0.1 (output size 0)', 0.1, RangeError, /output sizes should be greater than 0/], ["'2'", '2', TypeError, /scaleFactor/],
    ['[2, NaN]', [2, NaN], RangeError, /scaleFactor/], ['[2] (too few)', [2], Error, /scaleFactor/],
    ['1e9 (output over 2^31 elements)', 1e9, RangeError, /output \(from scaleFactor\).*elements, more than/],
    ['1e300', 1e300, RangeError, /output \(from scaleFactor\)/], ['Number.MAX_VALUE', Number.MAX_VALUE, RangeError, /output \(from scaleFactor\)/],
  ] as Array<[string, unknown, ErrorConstructor, RegExp]>) {
    I(`scaleFactor ${what}`, { scaleFactor, mode: 'bilinear' }, type, message);
  }
  I('area with an output size of 0 on one axis and 2^31 on the other', { size: [0, 2 ** 31], mode: 'area' }, RangeError, /output \(from size\).*more than/);
  I("mode 'bilinearr'", { size: 6, mode: 'bilinearr' }, RangeError, /mode 'bilinearr'/);
  I("mode 'linear' on 4-D input", { size: 6, mode: 'linear' }, Error, /linear mode needs 3D input/);
  I("mode 'trilinear' on 4-D input", { size: 6, mode: 'trilinear' }, Error, /trilinear mode needs 5D input/);
  I("alignCorners 'true'", { size: 6, mode: 'bilinear', alignCorners: 'true' }, TypeError, /alignCorners/);
  I('alignCorners with nearest', { size: 6, mode: 'nearest', alignCorners: false }, Error, /align_corners/);
  I('antialias 1', { size: 6, mode: 'bilinear', antialias: 1 }, TypeError, /antialias/);
  I('antialias with nearest', { size: 6, mode: 'nearest', antialias: true }, Error, /Anti-alias/);
  I("recomputeScaleFactor 'yes'", { scaleFactor: 2, mode: 'bilinear', recomputeScaleFactor: 'yes' }, TypeError, /recomputeScaleFactor/);
  I('recomputeScaleFactor with size', { size: 6, mode: 'bilinear', recomputeScaleFactor: true }, Error, /recompute_scale_factor/);
  add('interpolate', 'out: the input itself', () => {
    const input = ramp([1, 2, 3, 4]);
    return [input, { size: [3, 4], mode: 'bilinear', out: input }];
  }, Error, /\bout must not share memory with an input/);

  // ---- convolutions ----
  for (const op of OPS.filter(isConv)) {
    const dims = dimsOf(op);
    const transposed = op.startsWith('convTranspose');
    const C = (what: string, merge: Record<string, unknown>, type: ErrorConstructor, message: RegExp) =>
      add(op, what, () => argsFor(op, { merge }), type, message);
    const list = (x: unknown) => Array.from({ length: dims }, () => x);
    for (const name of ['stride', 'dilation']) {
      C(`${name} 0`, { [name]: 0 }, RangeError, new RegExp(name));
      C(`${name} -1`, { [name]: -1 }, RangeError, new RegExp(name));
      C(`${name} 1.5`, { [name]: 1.5 }, RangeError, new RegExp(name));
      C(`${name} NaN`, { [name]: NaN }, RangeError, new RegExp(name));
      C(`${name} Infinity`, { [name]: Infinity }, RangeError, new RegExp(name));
      C(`${name} '2'`, { [name]: '2' }, TypeError, new RegExp(name));
      C(`${name} null`, { [name]: null }, TypeError, new RegExp(name));
      C(`${name} with a wrong count`, { [name]: list(1).concat([1]) }, RangeError, new RegExp(name));
      C(`${name} [.., NaN]`, { [name]: [...list(1).slice(1), NaN] }, RangeError, new RegExp(name));
    }
    C('padding -1', { padding: -1 }, RangeError, /padding/);
    C('padding 1.5', { padding: 1.5 }, RangeError, /padding/);
    C('padding NaN', { padding: NaN }, RangeError, /padding/);
    if (transposed) {
      C("padding 'same'", { padding: 'same' }, TypeError, /padding/);
      C('outputPadding not below stride or dilation', { stride: 2, outputPadding: 2 }, RangeError, /output padding must be smaller/);
      C('outputPadding -1', { outputPadding: -1 }, RangeError, /outputPadding/);
      C("outputSize 'x'", { outputSize: 'x' }, TypeError, /outputSize/);
      C('outputSize out of range', { outputSize: list(1000) }, RangeError, /output size/);
      C('output over 2^31 elements (stride 2^29)', { stride: 2 ** 29 }, RangeError, /output of size .* elements, more than/);
    } else {
      C("padding 'full'", { padding: 'full' }, RangeError, /padding/);
      C("padding 'same' with stride 2", { padding: 'same', stride: 2 }, Error, /padding='same'/);
      C('outputPadding (a transposed-only option)', { outputPadding: 1 }, TypeError, /unknown option 'outputPadding'/);
      C('output over 2^31 elements (padding 2^31)', { padding: 2 ** 31 }, RangeError, /output of size .* elements, more than/);
      C('kernel larger than the padded input', { dilation: 9 }, RangeError, /Kernel size can't be greater/);
    }
    C('groups 0', { groups: 0 }, RangeError, /groups/);
    C('groups 1.5', { groups: 1.5 }, RangeError, /groups/);
    C('groups NaN', { groups: NaN }, RangeError, /groups/);
    C("groups '1'", { groups: '1' }, TypeError, /groups/);
    C('groups not dividing the channels', { groups: 4 }, RangeError, /groups/);
    const cout = transposed ? VALID[op].weight![1] : VALID[op].weight![0];
    C('bias of the wrong length', { bias: new Float32Array(cout + 1) }, RangeError, /bias/);
    C('bias as a 2-D tensor', { bias: ramp([1, cout]) }, RangeError, /bias/);
    C('bias as Float64Array', { bias: new Float64Array(cout) }, TypeError, /bias/);
    C("bias 'x'", { bias: 'x' }, TypeError, /bias/);
    C('bias as a plain array', { bias: [1, 2, 3] }, TypeError, /bias/);
    const w = VALID[op].weight!;
    add(op, 'weight with the wrong channel count', () => argsFor(op, { weight: ramp(transposed ? [w[0] + 1, ...w.slice(1)] : [w[0], w[1] + 1, ...w.slice(2)]) }),
      RangeError, /channels/);
    add(op, 'weight of the wrong rank', () => argsFor(op, { weight: ramp(w.slice(0, -1)) }), Error, /weight/);
    add(op, 'weight with a zero kernel size', () => argsFor(op, { weight: ramp([...w.slice(0, -1), 0]) }), RangeError, /kernel size/);
  }

  // ---- shuffles ----
  for (const op of OPS.filter(isShuffle)) {
    const name = op === 'pixelShuffle' ? 'upscaleFactor' : 'downscaleFactor';
    const torch = op === 'pixelShuffle' ? 'upscale_factor' : 'downscale_factor';
    const S = (what: string, factor: unknown, type: ErrorConstructor, message: RegExp) =>
      add(op, `${name} ${what}`, () => argsFor(op, { factor }), type, message);
    S('0', 0, RangeError, new RegExp(torch));
    S('-2', -2, RangeError, new RegExp(torch));
    S('1.5', 1.5, RangeError, new RegExp(name));
    S('NaN', NaN, RangeError, new RegExp(name));
    S('Infinity', Infinity, RangeError, new RegExp(name));
    S("'2'", '2', TypeError, new RegExp(name));
    S('undefined', undefined, TypeError, new RegExp(name));
    S('null', null, TypeError, new RegExp(name));
    S('3 (not dividing)', 3, RangeError, new RegExp(torch));
  }
  return rows;
}

// ---- running ----

function snapshot(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as Float32Array;
    return [view.constructor.name, view.length === 0 ? [] : Array.from(view)]; // a detached view has length 0
  }
  if (Array.isArray(value)) return value.map(snapshot);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  }
  return value;
}

/** The probes: one valid call per operation, whose results must not change after any refusal. */
function probe(ops: Operations): Tensor[] {
  return OPS.map((op) => call(ops, op, argsFor(op)));
}

interface Target { name: string; ops: Operations; setup: () => Promise<unknown> }
const TARGETS: Target[] = [
  { name: 'wasm-simd', ops: up, setup: () => up.init({ simd: true }) },
  { name: 'wasm-scalar', ops: up, setup: () => up.init({ simd: false }) },
  { name: 'js', ops: up.js, setup: async () => {} },
];

const rows = buildRows();
let tried = 0;

beforeAll(async () => {
  const foreign = new WebAssembly.Memory({ initial: 1 });
  detachedForeign = new Float32Array(foreign.buffer, 0, 16);
  foreign.grow(1);
  await up.init();
  const memory = loadedModule().kernels.memory;
  detachedOwn = new Float32Array(memory.buffer, 0, 16);
  // A call larger than any before grows the module's memory (by a little, so the per-row
  // memory comparison below stays cheap), detaching the view.
  const before = memory.buffer.byteLength;
  for (let n = 8; memory.buffer.byteLength === before; n += 8) up.interpolate(ramp([1, 1, n, n]), { scaleFactor: 2, mode: 'nearest' });
  expect(detachedForeign.length).toBe(0);
  expect(detachedOwn.length).toBe(0);
});

describe.each(TARGETS)('hostile input on $name', (target) => {
  let expected: Tensor[];
  beforeAll(async () => {
    await target.setup();
    expected = probe(target.ops);
  });

  it(`refuses all ${rows.length} rows with the documented class and message, touching nothing`, () => {
    const failures: string[] = [];
    for (const row of rows) {
      const args = row.args();
      const before = snapshot(args);
      const memory = target.name === 'js' ? undefined : loadedModule().kernels.memory;
      const memoryBefore = memory && new Uint8Array(memory.buffer).slice();
      let error: unknown;
      try {
        call(target.ops, row.op, args);
      } catch (e) {
        error = e;
      }
      tried++;
      const label = `${row.op} ${row.what}`;
      if (error === undefined) { failures.push(`${label}: did not throw`); continue; }
      const e = error as Error;
      if (e.constructor !== row.type) failures.push(`${label}: threw ${e.constructor?.name} (${e.message}), expected ${row.type.name}`);
      else if (!row.message.test(e.message)) failures.push(`${label}: message "${e.message}" does not match ${row.message}`);
      try {
        expect(snapshot(args)).toEqual(before);
      } catch {
        failures.push(`${label}: modified its arguments`);
      }
      if (memory && memoryBefore) {
        const now = new Uint8Array(memory.buffer);
        if (now.length !== memoryBefore.length || Buffer.compare(now, memoryBefore) !== 0) failures.push(`${label}: touched WebAssembly memory`);
      }
      // A valid call still returns exactly the right answer.
      const probeOp = row.op;
      const result = call(target.ops, probeOp, argsFor(probeOp));
      const want = expected[OPS.indexOf(probeOp)];
      if (result.shape.join() !== want.shape.join() || !sameValues(result.data, want.data)) {
        failures.push(`${label}: the valid call after it returned a different result`);
      }
    }
    if (failures.length) console.log(`${target.name}:\n${failures.join('\n')}`);
    expect(failures).toEqual([]);
  }, 60_000);

  it('every operation still gives the same results after all refusals', () => {
    const after = probe(target.ops);
    after.forEach((t, i) => expect(sameValues(t.data, expected[i].data)).toBe(true));
  });
});

/** Bit-identical: the same backend on the same arguments. */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.compare(new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

it('counts the refusals tried', () => {
  // rows x (SIMD, scalar, JS); printed for the README's Reliability figures.
  console.log(`hostile input: ${rows.length} rows, ${tried} refusals tried`);
  expect(tried).toBe(rows.length * TARGETS.length);
});
