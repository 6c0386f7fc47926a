// upsample-wasm against the libraries a user would pick instead, in one run on the same data:
// tfjs (WebAssembly/XNNPACK and plain-JS CPU backends), onnxruntime-web (WebAssembly SIMD) and
// onnxruntime-node (native, 1 and 2 intra-op threads), PyTorch 1.13 when Debian's python3-torch is
// there, our own plain-JS backend and relaxed-SIMD build, and the memory roofline.
// Each peer's output is checked against ours (max abs difference). Writes
// bench/results/peers.{json,md,svg}. Run: `npm run bench:peers` (builds first). BENCH_TIME_MS sets
// the time per task.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { fmt, machine, measure, randomTensor, ROUNDS, TIME_MS } from './common.js';
import { convTransposeModel, resizeModel } from './onnx-models.js';
import { ratioText, svgChart } from './svg-chart.js';

// The relaxed-SIMD build needs the engine flag on Node 20 (Node 22+ and Chrome 114+ have it on).
// V8 flags must be set before the first module is compiled, so the package is imported after.
const { engineHasRelaxedSimd } = await import('../dist/wasm/load.js');
const RELAXED_NEEDS_FLAG = !engineHasRelaxedSimd();
if (RELAXED_NEEDS_FLAG) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const up = await import('../dist/index.js');
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
const ortWeb = await import('onnxruntime-web');
const ortNode = await import('onnxruntime-node');

const require = createRequire(import.meta.url);
const distOf = (file) => path.dirname(require.resolve(file)) + path.sep;
/** A dependency's version from its package.json (some packages' exports hide that file from require). */
const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;

// Peer set-up in Node: both WebAssembly peers must be told where their .wasm files are.
setWasmPaths(distOf('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
ortWeb.env.wasm.wasmPaths = distOf('onnxruntime-web/ort-wasm-simd-threaded.wasm');
// Process-wide and fixed at the first session: one thread here, two in a child process
// (`--ort-web-threads=2`, which measures only onnxruntime-web and prints JSON).
const ORT_WEB_THREADS = Number(process.argv.find((a) => a.startsWith('--ort-web-threads='))?.split('=')[1] ?? 1);
ortWeb.env.wasm.numThreads = ORT_WEB_THREADS;
tf.env().set('IS_TEST', true); // silences tfjs's "hi there" console advice

const US = 'upsample-wasm SIMD, resident tensors';

const workloads = [
  { id: 'W1', title: 'W1 bilinear 2x [1,32,256,256]', shape: [1, 32, 256, 256], op: 'interpolate', options: { scaleFactor: 2, mode: 'bilinear' }, onnx: 'linear', tfjs: 'bilinear' },
  { id: 'W2', title: 'W2 nearest 2x [1,32,256,256]', shape: [1, 32, 256, 256], op: 'interpolate', options: { scaleFactor: 2, mode: 'nearest' }, onnx: 'nearest', tfjs: 'nearest' },
  { id: 'W3', title: 'W3 bicubic 2x [1,3,512,512]', shape: [1, 3, 512, 512], op: 'interpolate', options: { scaleFactor: 2, mode: 'bicubic' }, onnx: 'cubic' },
  { id: 'W4', title: 'W4 convTranspose2d 32->32 k4 s2 p1 [1,32,64,64]', shape: [1, 32, 64, 64], op: 'convTranspose2d', weightShape: [32, 32, 4, 4], options: { stride: 2, padding: 1 }, onnx: 'convTranspose', tfjs: 'convTranspose' },
];

// BENCH_WORKLOADS=W1,W3 runs a subset (for a quick look; the committed results run all four).
if (process.env.BENCH_WORKLOADS) {
  const keep = new Set(process.env.BENCH_WORKLOADS.split(','));
  workloads.splice(0, workloads.length, ...workloads.filter((w) => keep.has(w.id)));
}

/** Where a peer computes something other than PyTorch's rule, or how it was made to match. */
const SEMANTICS = {
  W1: 'tfjs `resizeBilinear(alignCorners=false, halfPixelCenters=true)` and ONNX `Resize` linear with `half_pixel` follow the same rule as PyTorch `align_corners=False` (source clamped at 0); differences are float rounding.',
  W2: 'PyTorch `nearest` is `floor(dst * in/out)`: tfjs `resizeNearestNeighbor(alignCorners=false, halfPixelCenters=false)` and ONNX `asymmetric` + `nearest_mode=floor` are the same rule (tfjs with `alignCorners=true` rounds instead, and `halfPixelCenters=true` is PyTorch `nearest-exact`).',
  W3: 'tfjs has no bicubic resize. ONNX `Resize` cubic with `half_pixel` and `cubic_coeff_a=-0.75` (the ONNX default and PyTorch\'s A; TensorFlow\'s own bicubic uses -0.5) is PyTorch\'s rule at these sizes; PyTorch row: `upsample_bicubic2d(out=)`, 1 thread. sharp (not benchmarked) samples a quarter pixel off PyTorch\'s half-pixel rule (97 levels max difference on 8-bit images), so it is not the same resize.',
  W4: 'tfjs `conv2dTranspose(pad=\'same\')` pads 1 on each side here (= PyTorch padding=1), filter laid out `[kH, kW, Cout, Cin]` (ours is PyTorch\'s `[Cin, Cout, kH, kW]`); ONNX `ConvTranspose` takes PyTorch\'s layout and `pads=[1,1,1,1]`. Differences are summation order.',
};

const numel = (shape) => shape.reduce((a, b) => a * b, 1);
const nchwToNhwc = (data, [n, c, h, w]) => {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = data[(b * c + ch) * h * w + i];
  return out;
};
const nhwcToNchw = (data, [n, c, h, w]) => {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[(b * c + ch) * h * w + i] = data[(b * h * w + i) * c + ch];
  return out;
};
function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/**
 * Interleaved rounds (common.js measure), switching our build or the tfjs backend before each
 * task's slice when the task names one.
 */
function measureInterleaved(tasks) {
  const withSwitch = tasks.map((t) => (t.build || t.tfBackend ? {
    ...t,
    before: async () => {
      if (t.build) await up.init({ build: t.build });
      if (t.tfBackend) await tf.setBackend(t.tfBackend);
    },
  } : t));
  return measure(withSwitch, { onRound: () => process.stderr.write('.') });
}

/**
 * Alternates calls of two tasks (each on its own build; which goes first flips every round) and
 * returns both medians and 10th percentiles (the quiet end: on a busy machine the median mostly
 * measures the load) with relaxed/simd for each.
 */
async function alternate([simdTask, relaxedTask], rounds = 150) {
  const times = [[], []];
  const tasks = [simdTask, relaxedTask];
  for (let k = 0; k < rounds; k++) {
    for (const j of k & 1 ? [0, 1] : [1, 0]) {
      const t = tasks[j];
      await up.init({ build: t.build });
      const start = performance.now();
      t.fn();
      times[j].push(performance.now() - start);
    }
  }
  const quantile = (a, f) => a.sort((x, y) => x - y)[Math.floor(a.length * f)];
  const [simd, relaxed] = times.map((a) => quantile(a, 0.5));
  const [simdP10, relaxedP10] = times.map((a) => quantile(a, 0.1));
  await up.init({ build: 'simd' });
  return { rounds, simdMedian: simd, relaxedMedian: relaxed, ratio: relaxed / simd, simdP10, relaxedP10, ratioP10: relaxedP10 / simdP10 };
}

// ---- PyTorch (Debian's python3-torch), timed in its own process on the same data ----
const PYTORCH_SCRIPT = String.raw`
import json, sys, time, torch, torch.nn.functional as F
torch.set_num_threads(1)
spec = json.load(sys.stdin)
def median_ms(fn, reps):
  fn(); ts = []
  for _ in range(reps):
    t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1000)
  ts.sort(); return ts[len(ts) // 2], ts[0], ts[-1], ts
out = {}
for w in spec:
  x = torch.frombuffer(bytearray(open(w['input'], 'rb').read()), dtype=torch.float32).reshape(w['shape'])
  if w['op'] == 'convTranspose2d':
    wt = torch.frombuffer(bytearray(open(w['weight'], 'rb').read()), dtype=torch.float32).reshape(w['weightShape'])
    fn = lambda: F.conv_transpose2d(x, wt, stride=2, padding=1)
  else:
    size = [2 * s for s in w['shape'][2:]]
    y = torch.empty(w['shape'][:2] + size)
    f = {'bilinear': lambda: torch._C._nn.upsample_bilinear2d(x, size, False, None, None, out=y),
         'nearest': lambda: torch._C._nn.upsample_nearest2d(x, size, None, None, out=y),
         'bicubic': lambda: torch._C._nn.upsample_bicubic2d(x, size, False, None, None, out=y)}[w['mode']]
    fn = lambda: (f(), y)[1]
  med, lo, hi, ts = median_ms(fn, 15)
  fn().numpy().astype('float32').tofile(w['output'])
  out[w['id']] = {'median': med, 'min': lo, 'max': hi, 'samples': len(ts)}
print(json.dumps({'version': torch.__version__, 'results': out}))
`;

function runPyTorch(jobs) {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return undefined;
  const child = spawnSync(python, ['-c', PYTORCH_SCRIPT], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) {
    console.warn(`PyTorch row skipped: ${child.stderr.trim().split('\n').at(-1)}`);
    return undefined;
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

// ---- the run ----

/** The same pseudo-random input (and weight) for workload i in every process. */
function inputsOf(w, i) {
  const input = randomTensor(w.shape, 11 + i);
  const weight = w.weightShape ? randomTensor(w.weightShape, 101 + i) : undefined;
  if (weight) for (let k = 0; k < weight.data.length; k++) weight.data[k] *= 0.1; // fan-in 512: keep outputs O(1)
  return { input, weight };
}

const modelOf = (w, weight) => (w.onnx === 'convTranspose' ? convTransposeModel(w.shape, weight, w.options) : resizeModel(w.shape, 2, w.onnx));

/** Child mode: onnxruntime-web rows with ORT_WEB_THREADS threads into dir/rows.json, outputs into dir/<id>.f32. */
async function ortWebRows(dir) {
  const result = {};
  for (const [i, w] of workloads.entries()) {
    const { input, weight } = inputsOf(w, i);
    const session = await ortWeb.InferenceSession.create(modelOf(w, weight), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const X = new ortWeb.Tensor('float32', input.data, input.shape);
    const y = (await session.run({ X })).Y.data;
    const [row] = await measure([{ name: `onnxruntime-web ${ORT_WEB_THREADS} threads`, slow: w.id === 'W3', fn: async () => { await session.run({ X }); } }]);
    writeFileSync(path.join(dir, `${w.id}.f32`), y);
    result[w.id] = row;
  }
  writeFileSync(path.join(dir, 'rows.json'), JSON.stringify(result));
}

/** Runs the child mode; returns { id: { row, output } } or undefined (with a warning) if it failed. */
function runOrtWebChild(threads, dir) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--ort-web-threads=${threads}`, `--ort-web-out=${dir}`], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.status !== 0) {
    console.warn(`onnxruntime-web ${threads} threads skipped: ${child.stderr.trim().split('\n').at(-1)}`);
    return undefined;
  }
  const rows = JSON.parse(readFileSync(path.join(dir, 'rows.json'), 'utf8'));
  return Object.fromEntries(Object.entries(rows).map(([id, row]) => [id, { row, output: new Float32Array(new Uint8Array(readFileSync(path.join(dir, `${id}.f32`))).buffer) }]));
}

export async function benchPeers() {
  const loadBefore = os.loadavg()[0];
  await up.init({ build: 'simd' });
  const relaxed = engineHasRelaxedSimd();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'peers-'));

  // Inputs and our reference outputs first, so PyTorch can run on the same bytes.
  const data = workloads.map((w, i) => {
    const { input, weight } = inputsOf(w, i);
    const call = (ops, options) => (weight ? ops[w.op](input, weight, { ...w.options, ...options }) : ops[w.op](input, { ...w.options, ...options }));
    const expected = call(up);
    return { input, weight, call, expected };
  });
  const pyJobs = workloads.map((w, i) => {
    const file = (name) => path.join(tmp, `${w.id}-${name}.f32`);
    writeFileSync(file('in'), data[i].input.data);
    if (data[i].weight) writeFileSync(file('w'), data[i].weight.data);
    return { id: w.id, op: w.op, mode: w.options.mode, shape: w.shape, weightShape: w.weightShape, input: file('in'), weight: file('w'), output: file('out') };
  });
  console.log('PyTorch (1 thread)...');
  const torch = runPyTorch(pyJobs);
  console.log('onnxruntime-web, 2 threads (child process)...');
  const ortWeb2 = runOrtWebChild(2, tmp);

  const sections = [];
  for (const [i, w] of workloads.entries()) {
    const { input, weight, call, expected } = data[i];
    const outShape = expected.shape;
    const n = numel(outShape);
    const out = { data: new Float32Array(n), shape: outShape };
    const ones = new Float32Array(n).fill(1);
    const tasks = [
      { name: 'roofline: fill output', fn: () => out.data.fill(0.5) },
      { name: 'roofline: set output', fn: () => out.data.set(ones) },
      // What any API that returns a new array pays first: page faults on the fresh memory.
      { name: 'roofline: new output array + fill', fn: () => new Float32Array(n).fill(0.5) },
    ];

    // Ours: resident tensors (inputs and output in WebAssembly memory: nothing copied) per build.
    const resident = [];
    const residentTask = async (build, name) => {
      await up.init({ build });
      const rin = up.allocTensor(input.shape, input.data);
      const rw = weight && up.allocTensor(weight.shape, weight.data);
      const rout = up.allocTensor(outShape);
      const run = () => (rw ? up[w.op](rin, rw, { ...w.options, out: rout }) : up[w.op](rin, { ...w.options, out: rout }));
      run();
      const diff = maxAbsDiff(rout.data, expected.data);
      resident.push(rin, rout, ...(rw ? [rw] : []));
      return { name, fn: run, diff, build };
    };
    const ours = [await residentTask('simd', US)];
    if (relaxed) ours.push(await residentTask('relaxed', 'upsample-wasm relaxed SIMD, resident tensors'));
    const abTasks = ours.slice();
    tasks.push(...ours);
    // The same roofline on WebAssembly memory, where resident outputs live: filling it can be
    // faster than filling a JS array of the same size (on this machine the engine's memory may be
    // backed by huge pages), so both are shown.
    const fillResident = up.allocTensor(outShape);
    resident.push(fillResident);
    tasks.push({ name: 'roofline: fill resident output (WebAssembly memory)', fn: () => fillResident.data.fill(0.5) });
    tasks.push(
      { name: 'upsample-wasm SIMD API, out into a JS array', build: 'simd', fn: () => call(up, { out }) },
      { name: 'upsample-wasm SIMD API, fresh output', build: 'simd', fn: () => call(up) },
      { name: 'upsample-wasm plain JS (js), out', fn: () => call(up.js, { out }), diff: maxAbsDiff(call(up.js).data, expected.data) },
    );

    // tfjs: NHWC tensors made once per backend, outputs disposed every call.
    if (w.tfjs) {
      for (const backend of ['wasm', 'cpu']) {
        await tf.setBackend(backend);
        await tf.ready();
        const [nb, c, h, wd] = w.shape;
        const x = tf.tensor4d(nchwToNhwc(input.data, w.shape), [nb, h, wd, c]);
        const [, oc, oh, ow] = outShape;
        let op;
        if (w.tfjs === 'bilinear') op = () => tf.image.resizeBilinear(x, [oh, ow], false, true);
        else if (w.tfjs === 'nearest') op = () => tf.image.resizeNearestNeighbor(x, [oh, ow], false, false);
        else {
          // PyTorch (Cin, Cout, kH, kW) -> tfjs (kH, kW, Cout, Cin)
          const [ci, co, kh, kw] = weight.shape;
          const f = new Float32Array(weight.data.length);
          for (let a = 0; a < ci; a++) for (let b = 0; b < co; b++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) f[((y * kw + z) * co + b) * ci + a] = weight.data[((a * co + b) * kh + y) * kw + z];
          const filter = tf.tensor4d(f, [kh, kw, co, ci]);
          op = () => tf.conv2dTranspose(x, filter, [nb, oh, ow, oc], w.options.stride, 'same');
        }
        const y = op();
        const diff = maxAbsDiff(nhwcToNchw(y.dataSync(), outShape), expected.data);
        y.dispose();
        const label = backend === 'wasm' ? 'tfjs-backend-wasm' : 'tfjs-backend-cpu';
        const slow = w.tfjs === 'convTranspose';
        if (backend === 'wasm') tasks.push({ name: `${label} op`, tfBackend: backend, diff, slow, fn: () => op().dispose() });
        tasks.push({ name: `${label} op + dataSync`, tfBackend: backend, diff, slow: slow || backend === 'cpu', fn: () => { const t = op(); t.dataSync(); t.dispose(); } });
      }
    }

    // onnxruntime: one session per runtime and thread count, fresh outputs (its usual API).
    const model = modelOf(w, weight);
    const ortRuns = [
      ['onnxruntime-web 1 thread', ortWeb, { executionProviders: ['wasm'] }],
      ['onnxruntime-node 1 thread', ortNode, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' }],
      ['onnxruntime-node 2 threads', ortNode, { intraOpNumThreads: 2, interOpNumThreads: 1, executionMode: 'sequential' }],
    ];
    for (const [name, ort, options] of ortRuns) {
      const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', ...options });
      const X = new ort.Tensor('float32', input.data, input.shape);
      const result = await session.run({ X });
      const diff = maxAbsDiff(result.Y.data, expected.data);
      tasks.push({ name, diff, slow: w.id === 'W3', fn: async () => { await session.run({ X }); } });
    }

    const rows = await measureInterleaved(tasks);
    // Relaxed vs SIMD: alternate single calls so both see the same machine load (the sequential
    // tinybench rows above can drift apart when other processes come and go).
    const relaxedVsSimd = abTasks.length === 2 ? await alternate(abTasks) : undefined;
    await up.init({ build: 'simd' });
    for (const r of resident) r.dispose();

    const web2 = ortWeb2?.[w.id];
    if (web2) {
      rows.push({ ...web2.row, name: `${web2.row.name} (separate process)`, maxAbsDiff: maxAbsDiff(web2.output, expected.data) });
    }
    const py = torch?.results[w.id];
    if (py) {
      const file = pyJobs[i].output;
      const torchOut = new Float32Array(new Uint8Array(readFileSync(file)).buffer);
      rows.push({ name: `PyTorch ${torch.version} CPU 1 thread (separate process)`, median: py.median, min: py.min, max: py.max, samples: py.samples, maxAbsDiff: maxAbsDiff(torchOut, expected.data) });
    }
    const us = rows.find((r) => r.name === US);
    for (const r of rows) {
      r.ratio = r.median / us.median;
      r.minRatio = r.min / us.min; // the least-disturbed call of each: a second view on a busy machine
    }
    sections.push({ id: w.id, title: w.title, baseline: US, semantics: SEMANTICS[w.id], rows, ...(relaxedVsSimd ? { relaxedVsSimd } : {}) });
    console.log(`\n${w.title}\n${markdownTable(rows)}`);
  }
  const versions = {
    node: process.version, v8: process.versions.v8,
    'upsample-wasm': JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version,
    '@tensorflow/tfjs-core': version('@tensorflow/tfjs-core'), '@tensorflow/tfjs-backend-wasm': version('@tensorflow/tfjs-backend-wasm'),
    '@tensorflow/tfjs-backend-cpu': version('@tensorflow/tfjs-backend-cpu'),
    'onnxruntime-web': version('onnxruntime-web'), 'onnxruntime-node': version('onnxruntime-node'),
    ...(torch ? { pytorch: torch.version } : {}),
  };
  rmSync(tmp, { recursive: true, force: true });
  // Other processes on the machine skew every row: say how busy it was.
  const load = { before: loadBefore, after: os.loadavg()[0], cores: os.cpus().length };
  const report = { machine: machine(), load, rounds: ROUNDS, versions, relaxedSimd: relaxed, relaxedNeedsFlag: RELAXED_NEEDS_FLAG, timePerTaskMs: TIME_MS, sections };
  writeResults(report);
  console.log(`\n${summaryTable(report)}`);
  return report;
}

// ---- output ----

/** x ours with two significant digits below 10 (a roofline can be 0.005x ours). */
const diffText = (d) => (d === undefined ? '' : d === 0 ? '0' : d === Infinity ? 'shape differs' : d.toExponential(1));

function markdownTable(rows) {
  const head = `| task | median ms | min-max ms | x ours | x ours, by min | max abs diff vs ours |\n|---|---:|---:|---:|---:|---:|`;
  return [head, ...rows.map((r) => `| ${r.name === US ? `**${r.name}**` : r.name} | ${fmt(r.median)} | ${fmt(r.min)}-${fmt(r.max)} | ${r.ratio === undefined ? '' : ratioText(r.ratio)} | ${r.minRatio === undefined ? '' : ratioText(r.minRatio)} | ${diffText(r.maxAbsDiff)} |`)].join('\n');
}

/** One line a workload: us, the roofline and each library's fastest way, as ms and x ours. */
export function summaryTable(report) {
  const columns = [
    ['upsample-wasm', US], ['fill roofline', 'roofline: fill output'], ['fill, Wasm memory', 'roofline: fill resident output'], ['our plain JS', 'upsample-wasm plain JS (js), out'],
    ['tfjs-wasm op', 'tfjs-backend-wasm op'], ['tfjs-cpu + read', 'tfjs-backend-cpu op + dataSync'],
    ['ORT-web 1t', 'onnxruntime-web 1 thread'], ['ORT-node 1t', 'onnxruntime-node 1 thread'], ['ORT-node 2t', 'onnxruntime-node 2 threads'],
    ['PyTorch 1t', 'PyTorch'],
  ];
  const cell = (s, name) => {
    const r = s.rows.find((row) => row.name === name || row.name.startsWith(`${name} `));
    return r ? (name === US ? `**${fmt(r.median)} ms**` : `${fmt(r.median)} ms (${ratioText(r.ratio)}x)`) : '-';
  };
  return [
    `| workload | ${columns.map(([h]) => h).join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    ...report.sections.map((s) => `| ${s.title} | ${columns.map(([, name]) => cell(s, name)).join(' | ')} |`),
  ].join('\n');
}

function writeResults(report) {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('peers.json', dir), JSON.stringify(report, null, 2) + '\n');
  const md = [
    '# Versus other libraries',
    '',
    `Machine: ${report.machine}; 1-minute load average ${report.load.before.toFixed(1)} before and ${report.load.after.toFixed(1)} after the run on ${report.load.cores} cores. Versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `Medians of tinybench samples taken in ${report.rounds} interleaved rounds (every task runs a slice of its time in each round, so all see the same machine load) in one process and one run (PyTorch and onnxruntime-web with 2 threads in child processes during the same run, not interleaved); "x ours" is a task's median over **${US}** (inputs and output allocated with \`allocTensor\`, so nothing is copied), so above 1 means slower than us. Single thread unless a row says otherwise. Max abs diff: against our output on the same random input (values in [-1, 1]). "x ours, by min": the same with each task's fastest call (the one least disturbed by other processes). The relaxed-SIMD row runs ${report.relaxedNeedsFlag ? 'with V8\'s `--experimental-wasm-relaxed-simd` (set by the benchmark: Node 20)' : 'on this engine as is'}. Each API row includes what that API costs the caller: tfjs "op" leaves the result in the backend, "+ dataSync" reads it back; onnxruntime allocates a fresh output per run.`,
    '',
    '## Summary', '', 'Medians; in brackets the time over ours (above 1: slower than upsample-wasm). Full tables below.', '', summaryTable(report), '',
    ...report.sections.flatMap((s) => [`## ${s.title}`, '', markdownTable(s.rows), '', `Semantics: ${s.semantics}`, '',
      ...(s.relaxedVsSimd ? [`Relaxed SIMD vs SIMD (resident tensors), ${s.relaxedVsSimd.rounds} alternating calls each: median ${fmt(s.relaxedVsSimd.relaxedMedian)} ms vs ${fmt(s.relaxedVsSimd.simdMedian)} ms (relaxed/SIMD ${s.relaxedVsSimd.ratio.toFixed(2)}); 10th percentile ${fmt(s.relaxedVsSimd.relaxedP10)} ms vs ${fmt(s.relaxedVsSimd.simdP10)} ms (${s.relaxedVsSimd.ratioP10.toFixed(2)}).`, ''] : [])]),
    '![ratios to upsample-wasm](peers.svg)',
    '',
  ];
  writeFileSync(new URL('peers.md', dir), md.join('\n'));
  writeFileSync(new URL('peers.svg', dir), svgChart(report, {
    title: 'Time relative to upsample-wasm (SIMD, resident tensors); log scale, right = slower',
    kind: (name) => (name === US ? 'reference' : name.startsWith('upsample-wasm') ? 'ours' : name.startsWith('roofline') ? 'roofline' : 'other'),
  }));
}


if (import.meta.url === `file://${process.argv[1]}`) {
  if (ORT_WEB_THREADS !== 1) await ortWebRows(process.argv.find((a) => a.startsWith('--ort-web-out=')).split('=')[1]);
  else await benchPeers();
  process.exit(0); // onnxruntime-web keeps worker handles open
}
