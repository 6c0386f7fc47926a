// Runs the committed fixtures (test/fixtures/*.json: PyTorch's, ONNX's and TensorFlow's) in a
// browser page against the built package (dist/), with the same tolerances and refusal rules as
// the Node suites (test/interpolate.test.ts, conv.test.ts, shuffle.test.ts, resize.test.ts,
// dtypes.test.ts), and reports counts; `float16Check` runs Float16Array where the engine has it.

const cache = new Map();

async function fixtures(family, base) {
  const url = `${base}${family}.json`;
  if (!cache.has(url)) {
    cache.set(url, fetch(url).then((r) => {
      if (!r.ok) throw new Error(`fixtures ${family}: HTTP ${r.status}`);
      return r.json();
    }));
  }
  return (await cache.get(url)).cases;
}

function decode(raw) {
  const text = atob(raw.data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const Type = { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, int32: Int32Array }[raw.dtype] ?? Float32Array;
  return { data: new Type(bytes.buffer), shape: raw.shape };
}

/** Returns undefined when close, else a description: |a - e| <= tol * max(1, max|e|). */
function compare(actual, expected, relTol) {
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) return `shape ${actual.shape} != ${expected.shape}`;
  let scale = 1;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  const tol = relTol * scale;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    const a = actual.data[i];
    const d = Number.isNaN(e) ? (Number.isNaN(a) ? 0 : Infinity) : e === a ? 0 : Math.abs(a - e);
    if (d > tol) return `element ${i}: got ${a}, expected ${e} (tolerance ${tol})`;
  }
  return undefined;
}

const EXACT_MODES = new Set([undefined, 'nearest', 'nearest-exact']);

/** How one fixture case is called and judged, per op family. */
function plan(up, c, index) {
  const x = c.inputs.input;
  if (c.op === 'interpolate') {
    return {
      call: () => up.interpolate(x, c.options),
      tolerance: EXACT_MODES.has(c.options.mode) ? 0 : 1e-5,
      refusal: (e) => (c.error.type === 'TypeError' ? e instanceof TypeError : e instanceof Error),
    };
  }
  if (c.op === 'resize' || c.op === 'resizeBilinear' || c.op === 'resizeNearestNeighbor') {
    const exact = c.op === 'resize' ? (c.options.mode ?? 'nearest') === 'nearest' : c.op === 'resizeNearestNeighbor';
    const type = { TypeError, RangeError }[c.error?.type] ?? Error;
    return {
      call: () => (c.op === 'resize' ? up.resize(x, c.options) : up[c.op](x, c.size, c.options)),
      tolerance: exact ? 0 : 1e-5,
      refusal: (e) => e instanceof type,
    };
  }
  const byName = (e) => e instanceof Error && e.constructor.name === c.jsError && e.message.includes(c.jsMessage ?? '');
  if (c.op === 'pixelShuffle' || c.op === 'pixelUnshuffle') {
    const factor = c.options.upscaleFactor ?? c.options.downscaleFactor;
    return { call: () => up[c.op](x, factor), tolerance: 0, refusal: byName };
  }
  const options = { ...c.options };
  // As conv.test.ts: a bias Tensor on even cases and every refusal (its shape may be the fault),
  // a bare Float32Array on odd ones.
  if (c.inputs.bias) options.bias = index % 2 === 0 || c.error ? c.inputs.bias : c.inputs.bias.data;
  const op = up[c.op];
  if (typeof op !== 'function') return { call: () => { throw new Error(`no operation ${c.op}`); }, tolerance: 0, refusal: () => false };
  return { call: () => op(x, c.inputs.weight, options), tolerance: 1e-4, refusal: byName };
}

/**
 * Loads the package entry, calls init(initOptions), runs every case of `families` (or the first
 * `limit` of each), read from `fixturesUrl` (a page's path, or a file: URL in Deno and Bun).
 * Resolves to { info, counts: { family: { total, passed, failed } }, failures: string[] (first 20) }.
 */
export async function runFixtures({ entry = '/dist/index.js', initOptions = {}, families = ['interpolate', 'conv'],
  fixturesUrl = '/test/fixtures/', limit = Infinity } = {}) {
  const up = await import(entry);
  const info = await up.init(initOptions);
  const counts = {};
  const failures = [];
  for (const family of families) {
    const cases = (await fixtures(family, fixturesUrl)).slice(0, limit);
    const count = (counts[family] = { total: cases.length, passed: 0, failed: 0 });
    cases.forEach((raw, index) => {
      const c = {
        ...raw,
        inputs: Object.fromEntries(Object.entries(raw.inputs).map(([k, v]) => [k, decode(v)])),
        expected: raw.expected && decode(raw.expected),
      };
      const before = Object.values(c.inputs).map((t) => t.data.slice());
      const { call, tolerance, refusal } = plan(up, c, index);
      let problem;
      try {
        const result = call();
        problem = c.expected ? compare(result, c.expected, tolerance) : `returned where PyTorch raises ${c.error.type}`;
      } catch (e) {
        problem = c.expected ? `threw ${e}` : refusal(e) ? undefined : `threw the wrong error: ${e?.constructor?.name}: ${e?.message}`;
      }
      if (!problem && Object.values(c.inputs).some((t, i) => t.data.some((v, j) => !Object.is(v, before[i][j])))) {
        problem = 'modified its input';
      }
      if (problem) {
        count.failed++;
        if (failures.length < 20) failures.push(`${family} / ${c.name}: ${problem}`);
      } else {
        count.passed++;
      }
    });
  }
  return { info, userAgent: navigator.userAgent, counts, failures };
}

/**
 * Float16Array in and out (where the engine has it): nearest gives the input's halves bit for bit;
 * bilinear and bicubic give the float32 result rounded to half. Resolves to failures, or
 * 'no Float16Array'.
 */
export async function float16Check({ entry = '/dist/index.js', initOptions = {} } = {}) {
  if (typeof Float16Array === 'undefined') return 'no Float16Array';
  const up = await import(entry);
  await up.init(initOptions);
  const shape = [1, 3, 9, 40];
  const x = { data: Float16Array.from({ length: 3 * 9 * 40 }, (_, i) => Math.sin(i * 0.37) * 100), shape };
  const wide = { data: Float32Array.from(x.data), shape };
  const failures = [];
  for (const [name, options] of [['nearest', { size: [13, 71] }], ['bilinear 2x', { mode: 'bilinear', scaleFactor: 2 }],
    ['bicubic', { mode: 'bicubic', size: [5, 90] }], ['nhwc bilinear', { mode: 'bilinear', scaleFactor: 2, layout: 'nhwc' }]]) {
    const got = up.interpolate(x, options);
    const want = Float16Array.from(up.interpolate(wide, options).data);
    if (!(got.data instanceof Float16Array)) failures.push(`${name}: got ${got.data.constructor.name}`);
    else if (got.data.some((v, i) => !Object.is(v, want[i]))) failures.push(`${name}: values differ`);
  }
  const tf = up.resizeBilinear({ data: x.data, shape: [1, 9, 40, 3] }, [18, 80], { halfPixelCenters: true });
  const tfWant = Float16Array.from(up.resizeBilinear({ data: wide.data, shape: [1, 9, 40, 3] }, [18, 80], { halfPixelCenters: true }).data);
  if (tf.data.some((v, i) => !Object.is(v, tfWant[i]))) failures.push('resizeBilinear: values differ');
  return failures;
}

globalThis.runFixtures = runFixtures;
globalThis.float16Check = float16Check;
