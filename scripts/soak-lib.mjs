// The memory soak, shared by `npm run soak` (scripts/soak.mjs, 100,000 calls on dist/) and
// test/soak.test.ts (a shorter run on src/). It takes the package module as an argument, so it
// runs on whichever build of the package the caller imported.
//
// Mixed calls of every operation, sizes from a few floats to 16 MiB, a refusal every 37 calls and
// an `out` reuse every 11. After a warm-up cycle that reaches the largest call, WebAssembly memory
// must stay exactly at its high-water mark and the JS heap must not climb; a probe call's result
// must stay bit-identical from start to end.

/** mulberry32: the soak is deterministic. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tensor(shape, seed) {
  const rand = random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rand() * 2 - 1;
  return { data, shape };
}

const MIB = 1 << 20;

/** The call kinds, smallest to largest; `big` ones produce up to 16 MiB. */
function callKinds(up) {
  const small = [
    (r, out) => up.interpolate(tensor([1, 1 + (r % 3), 3 + (r % 5), 4 + (r % 7)], r), { scaleFactor: 1 + (r % 4) * 0.75, mode: ['nearest', 'bilinear', 'bicubic', 'area', 'nearest-exact'][r % 5], out }),
    (r, out) => up.interpolate(tensor([2, 2, 5 + (r % 9)], r), { size: 3 + (r % 17), mode: ['linear', 'nearest', 'area'][r % 3], out }),
    (r, out) => up.interpolate(tensor([1, 2, 3, 4, 5], r), { scaleFactor: 1.5, mode: 'trilinear', alignCorners: (r & 1) === 0, out }),
    (r, out) => up.interpolate(tensor([1, 3, 9, 11], r), { size: [4, 5], mode: (r & 1) ? 'bilinear' : 'bicubic', antialias: true, out }),
    (r, out) => up.conv2d(tensor([1, 3, 6 + (r % 4), 7], r), tensor([4, 3, 3, 3], r + 1), { padding: 1, bias: tensor([4], r + 2).data, out }),
    (r, out) => up.conv1d(tensor([2, 4, 9], r), tensor([4, 2, 3], r + 1), { groups: 2, stride: 1 + (r % 2), out }),
    (r, out) => up.convTranspose2d(tensor([1, 4, 5, 5], r), tensor([4, 2, 4, 4], r + 1), { stride: 2, padding: 1, out }),
    (r, out) => up.convTranspose1d(tensor([1, 2, 7], r), tensor([2, 3, 3], r + 1), { stride: 3, outputPadding: 1, out }),
    (r, out) => up.conv3d(tensor([1, 2, 4, 4, 4], r), tensor([2, 2, 2, 2, 2], r + 1), { out }),
    (r, out) => up.pixelShuffle(tensor([1, 8, 4, 5], r), 2, { out }),
    (r, out) => up.pixelUnshuffle(tensor([1, 2, 6, 9], r), 3, { out }),
  ];
  const big = [
    // 1 MiB in, 4 MiB out; 4 MiB in, 16 MiB out; 16 MiB of transposed-convolution output.
    (r) => up.interpolate(tensor([1, 4, 256, 256], r), { scaleFactor: 2, mode: 'bilinear' }),
    (r) => up.interpolate(tensor([1, 4, 512, 512], r), { scaleFactor: 2, mode: 'nearest' }),
    (r) => up.convTranspose2d(tensor([1, 16, 256, 256], r), tensor([16, 4, 2, 2], r + 1), { stride: 2 }),
    (r) => up.pixelShuffle(tensor([1, 64, 128, 128], r), 4),
  ];
  return { small, big };
}

/** Calls that must be refused, with the class they must throw. */
function refusals(up) {
  const x = tensor([1, 2, 4, 4], 1);
  return [
    [() => up.interpolate({ data: new Float64Array(32), shape: [1, 2, 4, 4] }, { size: 8 }), TypeError],
    [() => up.interpolate(x, { size: [1e6, 1e6] }), RangeError],
    [() => up.interpolate(x, { scaleFactor: NaN }), RangeError],
    [() => up.interpolate(x, { size: 8, mdoe: 'bilinear' }), TypeError],
    [() => up.conv2d(x, tensor([3, 3, 3, 3], 2)), RangeError],
    [() => up.convTranspose2d(x, tensor([2, 2, 3, 3], 3), { stride: 2, outputPadding: 2 }), RangeError],
    [() => up.pixelShuffle(x, 0), RangeError],
    [() => up.interpolate({ data: new Float32Array(3), shape: [1, 2, 4, 4] }, { size: 8 }), RangeError],
  ];
}

function checksum(t) {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  let h = 2166136261;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return (h >>> 0).toString(16);
}

/**
 * Runs `calls` mixed calls. `up` is the package module (after `await up.init()`); `gc` a full
 * garbage collection if the caller has one (node --expose-gc). Returns the figures; throws on a
 * wrong refusal. The caller judges memory and heap.
 */
export function soak(up, { calls, gc = () => {}, log = () => {} }) {
  const { small, big } = callKinds(up);
  const refused = refusals(up);
  const probe = () => checksum(up.interpolate(tensor([1, 3, 17, 19], 99), { scaleFactor: 2.5, mode: 'bicubic' }));
  const probeBefore = probe();
  // Caller-owned outputs, one per small kind, for the shapes its call r = kind gives.
  const outs = small.map((f, k) => {
    const t = f(k);
    return { data: new Float32Array(t.data.length), shape: t.shape.slice() };
  });
  let refusalsTried = 0;
  let bytesOut = 0;
  const one = (i) => {
    if (i % 37 === 36) {
      const [call, type] = refused[(i / 37 | 0) % refused.length];
      try {
        call();
      } catch (e) {
        if (!(e instanceof type)) throw new Error(`soak call ${i}: expected ${type.name}, got ${e}`);
        refusalsTried++;
        return;
      }
      throw new Error(`soak call ${i}: expected a refusal`);
    }
    const isBig = i % 1000 === 500;
    const kinds = isBig ? big : small;
    const k = (isBig ? i / 1000 | 0 : i) % kinds.length;
    // Every 11th call writes into a reused caller-owned `out` (with the arguments that fit it).
    const reuse = !isBig && i % 11 === 0;
    const result = reuse ? small[k](k, outs[k]) : kinds[k](i);
    if (reuse && result !== outs[k]) throw new Error(`soak call ${i}: the result is not the given out`);
    bytesOut += result.data.byteLength;
  };
  // Warm-up: one cycle of every kind, the largest last, sets the high-water mark.
  small.forEach((f, k) => f(k));
  big.forEach((f, k) => f(k));
  gc();
  const memoryBefore = up.backendInfo().memoryBytes;
  const heapBefore = process.memoryUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    one(i);
    if (i > 0 && i % 20000 === 0) log(`  ${i} calls, WebAssembly memory ${(up.backendInfo().memoryBytes / MIB).toFixed(1)} MiB`);
  }
  const seconds = (performance.now() - started) / 1000;
  gc();
  const heapAfter = process.memoryUsage();
  const memoryAfter = up.backendInfo().memoryBytes;
  const probeAfter = probe();
  return {
    calls, refusalsTried, seconds, bytesOut,
    memoryBefore, memoryAfter,
    heapBefore: heapBefore.heapUsed, heapAfter: heapAfter.heapUsed,
    externalBefore: heapBefore.external + heapBefore.arrayBuffers, externalAfter: heapAfter.external + heapAfter.arrayBuffers,
    probeBefore, probeAfter,
  };
}

export function formatFigures(f) {
  const mib = (n) => `${(n / MIB).toFixed(2)} MiB`;
  return [
    `calls: ${f.calls} (${f.refusalsTried} refusals) in ${f.seconds.toFixed(1)} s, ${(f.bytesOut / 2 ** 30).toFixed(2)} GiB of results`,
    `WebAssembly memory: ${mib(f.memoryBefore)} before, ${mib(f.memoryAfter)} after`,
    `JS heap used: ${mib(f.heapBefore)} before, ${mib(f.heapAfter)} after`,
    `external + ArrayBuffers: ${mib(f.externalBefore)} before, ${mib(f.externalAfter)} after`,
    `probe result: ${f.probeBefore} before, ${f.probeAfter} after`,
  ].join('\n');
}
