// Loading the WebAssembly module and owning its linear memory.
//
// The kernels never allocate: each call lays its buffers out from the module's heap base
// (an arena reset on every call), grows the memory only when a call needs more than any call
// before (a high-water mark), and copies in and out through views re-derived after any growth.
// Resident tensors (./resident.ts) sit below the arena and are used in place, not copied.

import { ResidentHeap } from './resident.js';

/** The kernels as compiled from assembly/ (pointers are byte addresses in linear memory). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  isSimd(): number;
  isRelaxedSimd(): number;
  resampleRows(src: number, dst: number, rows: number, inW: number, outW: number, taps: number,
               index: number, weight: number, periodLo: number, periodHi: number): void;
  blendAxis(src: number, dst: number, outer: number, inLen: number, outLen: number, inner: number,
            taps: number, index: number, weight: number): void;
  separable(src: number, dst: number, tmpA: number, tmpB: number, planes: number, chunk: number, rank: number,
            inD: number, inH: number, inW: number, outD: number, outH: number, outW: number,
            tapsW: number, indexW: number, weightW: number, periodLo: number, periodHi: number,
            tapsH: number, indexH: number, weightH: number,
            tapsD: number, indexD: number, weightD: number): void;
  separable2d(src: number, dst: number, ring: number, ringRows: number, planes: number,
              inH: number, inW: number, outH: number, outW: number,
              tapsW: number, indexW: number, weightW: number, periodLo: number, periodHi: number,
              tapsH: number, indexH: number, weightH: number): void;
  areaPool(src: number, dst: number, planes: number, inD: number, inH: number, inW: number,
           outD: number, outH: number, outW: number, startD: number, endD: number,
           startH: number, endH: number, startW: number, endW: number): void;
  planeMean(src: number, dst: number, planes: number, planeSize: number): void;
  gatherInput(src: number, dst: number, planes: number, inD: number, inH: number, inW: number,
              eD: number, eH: number, eW: number, tableD: number, tableH: number, tableW: number,
              runLo: number, runHi: number, slack: number): void;
  packWeights(dst: number, src: number, phases: number, phaseCount: number, taps: number, groups: number,
              groupIn: number, M: number, coStride: number, ciStride: number, weightGroup: number): void;
  convPhases(x: number, xBatch: number, xGroup: number, xStrideD: number, xStrideH: number,
             phases: number, phaseCount: number, offsets: number, packed: number, packedGroup: number,
             bias: number, M: number, out: number, outChannel: number, batch: number, groups: number): void;
  convTransposeScatter(x: number, w: number, bias: number, out: number, batch: number, groups: number,
                       groupIn: number, groupOut: number, inD: number, inH: number, inW: number,
                       outD: number, outH: number, outW: number, kD: number, kH: number, kW: number,
                       sD: number, sH: number, sW: number, pD: number, pH: number, pW: number,
                       dD: number, dH: number, dW: number): void;
  pixelShuffle(src: number, dst: number, planes: number, r: number, height: number, width: number, upscale: number): void;
}

const PAGE = 65536;
/** wasm32 addresses at most 4 GiB; stay below so byte offsets fit in a signed i32 too. */
const MAX_BYTES = 2 ** 31;

export class WasmModule {
  readonly kernels: KernelExports;
  readonly simd: boolean;
  /** Whether this is the relaxed-SIMD build (fused multiply-add where the CPU has it). */
  readonly relaxedSimd: boolean;
  private readonly base: number;

  constructor(instance: WebAssembly.Instance) {
    this.kernels = instance.exports as unknown as KernelExports;
    this.simd = this.kernels.isSimd() !== 0;
    this.relaxedSimd = this.kernels.isRelaxedSimd() !== 0;
    this.base = align(this.kernels.heapBase());
    this.heap = new ResidentHeap(this.base, (end) => this.ensure(end));
  }

  /** Resident tensors (allocTensor): they sit between the heap base and each call's scratch. */
  readonly heap: ResidentHeap;

  get memory(): WebAssembly.Memory {
    return this.kernels.memory;
  }

  /**
   * The address of `data` when it is a view into a live resident tensor of this module (then
   * operations use it in place), -1 for any other array (operations copy it). Take it before a
   * layout commits: growth detaches non-shared views, but addresses stay.
   */
  residentPointer(data: Float32Array): number {
    if (data.buffer !== this.kernels.memory.buffer) return -1;
    if (!this.heap.find(data.byteOffset, data.byteLength)) {
      throw new Error('a Float32Array over WebAssembly memory must be the data of a live tensor from allocTensor (was it disposed?)');
    }
    return data.byteOffset;
  }

  /** Bytes of linear memory in use (the high-water mark of every call so far). */
  get memoryBytes(): number {
    return this.kernels.memory.buffer.byteLength;
  }

  /** Starts laying out one call's buffers from the heap base. */
  layout(): Layout {
    return new Layout(this, this.heap.top);
  }

  /** Grows memory so that [0, end) is addressable; throws RangeError when it cannot. */
  ensure(end: number): void {
    const memory = this.kernels.memory;
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    if (end > MAX_BYTES) {
      throw new RangeError(`this call needs ${end} bytes of WebAssembly memory, more than the ${MAX_BYTES} supported`);
    }
    try {
      memory.grow(Math.ceil((end - have) / PAGE));
    } catch (cause) {
      throw new RangeError(`WebAssembly memory could not grow to ${end} bytes`, { cause });
    }
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.kernels.memory.buffer, ptr, length);
  }
}

function align(n: number): number {
  return (n + 63) & ~63;
}

/** Slots in a 2-D kernel's row cache for `taps` rows: the power of two >= taps (assembly/ring.ts). */
export function ringSlots(taps: number): number {
  let slots = 1;
  while (slots < taps) slots *= 2;
  return slots;
}

/** A layout went past its limit (nothing was written): the caller places the call elsewhere. */
export class LayoutLimitError extends Error {
  constructor(readonly end: number, readonly limit: number) {
    super(`the call's buffers end at ${end}, past ${limit}`);
  }
}

/**
 * One call's buffers. Reserve everything first, then `commit()` (which may grow memory), then
 * write: views are only taken after the last growth, so none is ever detached.
 */
export class Layout {
  private readonly writes: Array<() => void> = [];
  /** `limit`: the first byte this call may not use (a worker pool's call in flight starts there). */
  constructor(private readonly module: WasmModule, private end: number, private readonly limit = Infinity) {}

  /** The first byte after this call's buffers (a worker pool lays its workers' scratch out from here). */
  get top(): number {
    return this.end;
  }

  private reserve(bytes: number): number {
    const ptr = this.end;
    this.end = align(ptr + bytes);
    return ptr;
  }

  /** Space for `length` floats, filled from `source` at commit when given (a resident source is used in place). */
  f32(length: number, source?: Float32Array): number {
    const resident = source ? this.module.residentPointer(source) : -1;
    if (resident >= 0) return resident; // already in linear memory: no copy
    const ptr = this.reserve(length * 4);
    if (source) this.writes.push(() => this.module.f32(ptr, length).set(source));
    return ptr;
  }

  /** Space for an index table, filled at commit. */
  i32(source: Int32Array): number {
    const ptr = this.reserve(source.length * 4);
    this.writes.push(() => this.module.i32(ptr, source.length).set(source));
    return ptr;
  }

  /**
   * The row cache of the 2-D kernels (assembly/ring.ts): ringSlots(taps) rows of `rowFloats`
   * floats, and an i32 tag a slot (the source row it holds).
   */
  rowRing(taps: number, rowFloats: number): { ring: number; tags: number } {
    const slots = ringSlots(taps);
    return { ring: this.f32(slots * rowFloats), tags: this.i32(new Int32Array(slots)) };
  }

  /** Grows memory if needed, then copies the inputs in; writes nothing when past the limit. */
  commit(): void {
    if (this.end > this.limit) throw new LayoutLimitError(this.end, this.limit);
    this.module.ensure(this.end);
    for (const write of this.writes) write();
  }
}

// ---- loading ----

export type WasmSource = BufferSource | URL | string | Response | PromiseLike<Response> | WebAssembly.Module;

const imports = {
  env: {
    abort(): never {
      throw new Error('upsample-wasm: kernel abort');
    },
  },
};

/** The SIMD feature probe of wasm-feature-detect: a function that uses a v128 instruction. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/**
 * A relaxed-SIMD probe: a function returning `f32x4.relaxed_madd` of three splats (the instruction
 * the relaxed build uses). Chrome 114+ and Node 22+ validate it; Node 20 only with
 * `--experimental-wasm-relaxed-simd`.
 */
const RELAXED_SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 28, 1, 26, 0,
  67, 0, 0, 0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 253, 133, 2, 11]);

/** The packaged builds, fastest first. */
export type Build = 'relaxed' | 'simd' | 'scalar';

export function engineHasRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

export function engineHasSimd(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** The built module beside this code: ../build/{relaxed,simd,scalar}.wasm from src/ or dist/. */
function defaultUrl(build: Build): URL {
  // Literal `new URL(..., import.meta.url)` forms, so bundlers see and copy the assets.
  if (build === 'relaxed') return new URL('../../build/relaxed.wasm', import.meta.url);
  return build === 'simd'
    ? new URL('../../build/simd.wasm', import.meta.url)
    : new URL('../../build/scalar.wasm', import.meta.url);
}

async function readUrl(url: URL): Promise<ArrayBuffer | Response> {
  if (url.protocol === 'file:' && isNode) {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fsName)) as typeof import('node:fs/promises');
    const bytes = await fs.readFile(url);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  return fetch(url);
}

async function instantiateResponse(response: Response): Promise<WebAssembly.Instance> {
  if (!response.ok) throw new Error(`upsample-wasm: could not load the module from ${response.url} (HTTP ${response.status})`);
  const type = response.headers.get('content-type') ?? '';
  if (typeof WebAssembly.instantiateStreaming === 'function' && type.startsWith('application/wasm')) {
    return (await WebAssembly.instantiateStreaming(response, imports)).instance;
  }
  return (await WebAssembly.instantiate(await response.arrayBuffer(), imports)).instance;
}

export async function instantiate(source: WasmSource | undefined, build: Build | boolean): Promise<WebAssembly.Instance> {
  let s: WasmSource | ArrayBuffer = source ?? defaultUrl(build === true ? 'simd' : build === false ? 'scalar' : build);
  if (typeof s === 'string') s = new URL(s, typeof location !== 'undefined' ? location.href : import.meta.url);
  if (s instanceof URL) s = await readUrl(s);
  if (typeof (s as PromiseLike<Response>).then === 'function') s = await (s as PromiseLike<Response>);
  if (typeof Response !== 'undefined' && s instanceof Response) return instantiateResponse(s);
  if (s instanceof WebAssembly.Module) return WebAssembly.instantiate(s, imports);
  if (ArrayBuffer.isView(s) || s instanceof ArrayBuffer) {
    return (await WebAssembly.instantiate(s as BufferSource, imports)).instance;
  }
  throw new TypeError('init: options.wasm must be bytes, a URL, a Response or a WebAssembly.Module');
}
