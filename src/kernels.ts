// The kernel ABI: every WebAssembly kernel declared once, by name, with its arguments by name and
// type in export order. Staging code builds calls as records (`{ kernel, args }`) with named
// fields; the synchronous executor, the pool's splitter and its queue encoding all read them
// through this table, and test/kernels.test.ts checks it against the AssemblyScript signatures.
//
// Types: `ptr` a byte address in linear memory (usize), `i32` a count or size, `bool` 0 or 1.

type ArgType = 'ptr' | 'i32' | 'bool';

const ptr = 'ptr' as const;
const i32 = 'i32' as const;
const bool = 'bool' as const;

export const KERNELS = {
  // assembly/interpolate.ts and the files it drives
  resampleRows: { src: ptr, dst: ptr, rows: i32, inW: i32, outW: i32, taps: i32, index: ptr, weight: ptr, periodLo: i32, periodHi: i32 },
  blendAxis: { src: ptr, dst: ptr, outer: i32, inLen: i32, outLen: i32, inner: i32, taps: i32, index: ptr, weight: ptr },
  separable: {
    src: ptr, dst: ptr, tmpA: ptr, tmpB: ptr, planes: i32, chunk: i32, rank: i32,
    inD: i32, inH: i32, inW: i32, outD: i32, outH: i32, outW: i32,
    tapsW: i32, indexW: ptr, weightW: ptr, periodLo: i32, periodHi: i32,
    tapsH: i32, indexH: ptr, weightH: ptr, tapsD: i32, indexD: ptr, weightD: ptr,
  },
  separable2d: {
    src: ptr, dst: ptr, ring: ptr, ringRows: ptr, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
    tapsW: i32, indexW: ptr, weightW: ptr, periodLo: i32, periodHi: i32, tapsH: i32, indexH: ptr, weightH: ptr,
    channels: i32,
  },
  areaPool: {
    src: ptr, dst: ptr, planes: i32, inD: i32, inH: i32, inW: i32, outD: i32, outH: i32, outW: i32,
    startD: ptr, endD: ptr, startH: ptr, endH: ptr, startW: ptr, endW: ptr, channels: i32,
  },
  planeMean: { src: ptr, dst: ptr, planes: i32, planeSize: i32, channels: i32 },
  // assembly/conv.ts
  gatherInput: {
    src: ptr, dst: ptr, planes: i32, inD: i32, inH: i32, inW: i32, eD: i32, eH: i32, eW: i32,
    tableD: ptr, tableH: ptr, tableW: ptr, runLo: i32, runHi: i32, slack: i32,
  },
  packWeights: {
    dst: ptr, src: ptr, phases: ptr, phaseCount: i32, taps: ptr, groups: i32, groupIn: i32, M: i32,
    coStride: i32, ciStride: i32, weightGroup: i32, skip: ptr,
  },
  convPhases: {
    x: ptr, xBatch: i32, xGroup: i32, xStrideD: i32, xStrideH: i32, phases: ptr, phaseCount: i32, offsets: ptr,
    packed: ptr, packedGroup: i32, bias: ptr, M: i32, out: ptr, outChannel: i32, batch: i32, groups: i32,
    groupIn: i32, xChannel: i32, panel: ptr, skip: ptr,
  },
  // assembly/winograd.ts (`skip`: an i32 word; the kernel does nothing when it is nonzero)
  winogradRange: { src: ptr, length: i32, flags: ptr },
  packWinogradWeights: {
    dst: ptr, src: ptr, phases: ptr, phaseCount: i32, taps: ptr, size: i32, groups: i32, groupIn: i32, M: i32,
    coStride: i32, ciStride: i32, weightGroup: i32, skip: ptr,
  },
  convWinograd: {
    x: ptr, xBatch: i32, xGroup: i32, xStrideH: i32, xChannel: i32, phases: ptr, phaseCount: i32, size: i32, packed: ptr,
    packedGroup: i32, bias: ptr, zeros: ptr, M: i32, out: ptr, outChannel: i32, batch: i32, groups: i32, groupIn: i32,
    rowStart: i32, rowEnd: i32, tileBlock: i32, kOffsets: ptr, vScratch: ptr, mScratch: ptr, mScratch2: ptr, rowScratch: ptr,
    skip: ptr,
  },
  convTransposeScatter: {
    x: ptr, w: ptr, bias: ptr, out: ptr, batch: i32, groups: i32, groupIn: i32, groupOut: i32,
    inD: i32, inH: i32, inW: i32, outD: i32, outH: i32, outW: i32, kD: i32, kH: i32, kW: i32,
    sD: i32, sH: i32, sW: i32, pD: i32, pH: i32, pW: i32, dD: i32, dH: i32, dW: i32,
  },
  // assembly/image.ts
  resizeImage: {
    src: ptr, dst: ptr, inW: i32, channels: i32, outW: i32, outH: i32, premultiply: bool,
    tapsW: i32, indexW: ptr, weightW: ptr, periodLo: i32, periodHi: i32, tapsH: i32, indexH: ptr, weightH: ptr,
    line: ptr, cache: ptr, stride: i32, blended: ptr, slots: ptr, slotIndex: ptr, srgb: ptr,
  },
  // assembly/exact.ts: the Pillow and OpenCV conventions (rules as RULE words, src/wasm/image-exact.ts)
  resizeExact: {
    src: ptr, dst: ptr, inW: i32, channels: i32, outW: i32, rowStart: i32, rowEnd: i32, alpha: bool,
    tapsW: i32, indexW: ptr, fixedW: ptr, weightW: ptr, countW: ptr, tapsH: i32, indexH: ptr, fixedH: ptr, weightH: ptr, countH: ptr,
    rules: ptr, lanes: i32, line: ptr, ring: ptr, stride: i32, tags: ptr, tapRows: ptr,
  },
  // assembly/image-tensor.ts
  normaliseRows: {
    src: ptr, srcStride: i32, channels: i32, srcX: i32, dst: ptr, y: i32, rows: i32, width: i32, height: i32, left: i32,
    count: i32, outChannels: i32, map: ptr, luma: ptr, lut: ptr, pad: ptr, coefficients: ptr, nhwc: bool,
  },
  // assembly/upsample-reduce.ts
  upsampleArgmax: {
    src: ptr, dst: ptr, ring: ptr, ringRows: ptr, row: ptr, best: ptr, label: ptr,
    batch: i32, classes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
    tapsW: i32, indexW: ptr, weightW: ptr, periodLo: i32, periodHi: i32, tapsH: i32, indexH: ptr, weightH: ptr, wide: bool, hFirst: bool,
  },
  upsampleThreshold: {
    src: ptr, dst: ptr, ring: ptr, ringRows: ptr, row: ptr, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
    tapsW: i32, indexW: ptr, weightW: ptr, periodLo: i32, periodHi: i32, tapsH: i32, indexH: ptr, weightH: ptr, thresholdBits: i32, hFirst: bool,
  },
  // assembly/resize.ts (fillOutside64: on float64 values)
  fillOutside: { dst: ptr, outer: i32, len: i32, inner: i32, outside: ptr, valueBits: i32 },
  fillOutside64: { dst: ptr, outer: i32, len: i32, inner: i32, outside: ptr, valueBits: i32 },
  // assembly/resize-wide.ts: float64 twins for integer inputs of ONNX linear / cubic (weights float64)
  resampleRows64: { src: ptr, dst: ptr, rows: i32, inW: i32, outW: i32, taps: i32, index: ptr, weight: ptr, periodLo: i32, periodHi: i32 },
  blendAxis64: { src: ptr, dst: ptr, outer: i32, inLen: i32, outLen: i32, inner: i32, taps: i32, index: ptr, weight: ptr },
  narrow64: { src: ptr, dst: ptr, length: i32, type: i32 },
  // assembly/convert.ts (type: src/dtype.ts narrowCode)
  widen: { src: ptr, dst: ptr, length: i32 },
  narrow: { src: ptr, dst: ptr, length: i32, type: i32 },
  // assembly/gather.ts
  gatherAxis: { src: ptr, dst: ptr, outer: i32, inLen: i32, outLen: i32, inner: i32, index: ptr, lanes: ptr, bytes: i32 },
  // assembly/shuffle.ts
  pixelShuffle: { src: ptr, dst: ptr, planes: i32, r: i32, height: i32, width: i32, upscale: bool },
} as const satisfies Record<string, Record<string, ArgType>>;

export type KernelName = keyof typeof KERNELS;

/** A kernel's arguments by name (all numbers: addresses, counts, 0/1 flags). */
export type KernelArgs<K extends KernelName> = { [A in keyof (typeof KERNELS)[K]]: number };

/** One kernel call as data. */
export type KernelCall<K extends KernelName = KernelName> = K extends KernelName ? {
  kernel: K;
  args: KernelArgs<K>;
  /**
   * Staged for a rare case and gated off otherwise (its `skip` word): the direct phases beside
   * Winograd's (src/wasm/conv.ts). The pool sizes a call without it, and still splits it.
   */
  fallback?: true;
} : never;

/** Builds a call record, typed by kernel name. */
export function call<K extends KernelName>(kernel: K, args: KernelArgs<K>): KernelCall<K> {
  return { kernel, args } as KernelCall<K>;
}

/** Each kernel's argument names in export order (derived once from KERNELS). */
export const KERNEL_PARAMS = Object.fromEntries(
  Object.entries(KERNELS).map(([name, args]) => [name, Object.keys(args)]),
) as unknown as { readonly [K in KernelName]: readonly (keyof (typeof KERNELS)[K] & string)[] };

/** Kernel names in a fixed order: the index a queued call refers to its kernel by. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

/** The positional arguments of a call, in export order. */
export function positional(c: KernelCall): number[] {
  const names = KERNEL_PARAMS[c.kernel] as readonly string[];
  const args = c.args as Record<string, number>;
  const out = new Array<number>(names.length);
  for (let i = 0; i < names.length; i++) out[i] = args[names[i]];
  return out;
}

/** What a compiled build exports: the kernels, its memory and three facts about the build. */
export type KernelExports = { readonly [K in KernelName]: (...args: number[]) => void } & {
  memory: WebAssembly.Memory;
  heapBase(): number;
  isSimd(): number;
  isRelaxedSimd(): number;
};

/** Runs a call on a build's exports. */
export function invoke(kernels: KernelExports, c: KernelCall): void {
  kernels[c.kernel](...positional(c));
}
