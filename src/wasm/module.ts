// Loading the WebAssembly module and owning its linear memory.
//
// The kernels never allocate: each call lays its buffers out from the module's heap base
// (an arena reset on every call), grows the memory only when a call needs more than any call
// before (a high-water mark), and copies in and out through views re-derived after any growth.
// Resident tensors (./resident.ts) sit below the arena and are used in place, not copied.

import type { TensorData } from '../dtype.js';
import type { KernelExports } from '../kernels.js';
import { ringSlots } from '../ring.js';
import { packRuns, runsEnd, runsLength, type Runs } from '../tiling/runs.js';
import { ResidentHeap } from './resident.js';

export type { KernelExports } from '../kernels.js';

const PAGE = 65536;
/** wasm32 addresses at most 4 GiB; stay below so byte offsets fit in a signed i32 too. */
export const MAX_BYTES = 2 ** 31;
/** The default memory budget of a module (init's and createOperations' `maximumMemory`). */
export const DEFAULT_BUDGET = 2 ** 28;

export class WasmModule {
  readonly kernels: KernelExports;
  readonly simd: boolean;
  /** Whether this is the relaxed-SIMD build (fused multiply-add where the CPU has it). */
  readonly relaxedSimd: boolean;
  private readonly base: number;

  /**
   * Every buffer object this memory has had: a shared memory's `buffer` is a new
   * SharedArrayBuffer after each growth, and views taken before still address the same memory.
   */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(instance: WebAssembly.Instance) {
    this.kernels = instance.exports as unknown as KernelExports;
    this.buffers.add(this.kernels.memory.buffer);
    this.simd = this.kernels.isSimd() !== 0;
    this.relaxedSimd = this.kernels.isRelaxedSimd() !== 0;
    this.base = align(this.kernels.heapBase());
    this.heap = new ResidentHeap(this.base, (end) => {
      // Resident tensors count against the budget: a call's tiles fit what they leave (scratchLimit).
      if (end > this.maximumMemory) {
        throw new RangeError(`allocTensor: this tensor would end at byte ${end} of WebAssembly memory, past maximumMemory (${this.maximumMemory} bytes), ` +
          'which resident tensors count against; dispose tensors or raise maximumMemory');
      }
      this.ensure(end);
    });
  }

  /** Resident tensors (allocTensor): they sit between the heap base and each call's scratch. */
  readonly heap: ResidentHeap;

  /**
   * Bytes of linear memory calls aim to stay within: a call whose buffers would end past it runs
   * in tiles (src/tiling/); a resident tensor that would end past it is refused.
   */
  maximumMemory = DEFAULT_BUDGET;

  /**
   * The first byte a call's scratch should not reach: the budget, or where resident tensors fill
   * most of it, a quarter of the budget above them (so that tiles still have room).
   */
  scratchLimit(): number {
    return Math.min(MAX_BYTES, Math.max(this.maximumMemory, this.heap.top + this.maximumMemory / 4));
  }

  get memory(): WebAssembly.Memory {
    return this.kernels.memory;
  }

  /**
   * The address of `data` when it is a view into a live resident tensor of this module (then
   * operations use it in place), -1 for any other array (operations copy it). Take it before a
   * layout commits: growth detaches non-shared views, but addresses stay.
   */
  residentPointer(data: Float32Array): number {
    if (!this.buffers.has(data.buffer)) {
      // V8 renews a shared memory's buffer object when any shared memory of the thread grows (a
      // second pool, another threaded library), not only this one: the current object is ours too.
      if (data.buffer !== this.kernels.memory.buffer) return -1;
      this.buffers.add(data.buffer);
    }
    const issued = this.heap.blockOf(data);
    const live = issued ? !issued.released : this.heap.find(data.byteOffset, data.byteLength) !== undefined;
    if (!live) {
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
      this.buffers.add(memory.buffer);
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

/** Rounds up to 64 bytes in float arithmetic: `& ~63` would wrap past 2^31 and hide an overflow. */
function align(n: number): number {
  return Math.ceil(n / 64) * 64;
}

/** A layout went past its limit (nothing was written): the caller places the call elsewhere. */
export class LayoutLimitError extends Error {
  constructor(readonly end: number, readonly limit: number) {
    super(`the call's buffers end at ${end}, past ${limit}`);
  }
}

type Bytes = Uint8Array | Uint8ClampedArray;

/**
 * One call's buffers. Reserve everything first, then `commit()` (which may grow memory and then
 * copies the sources in): views are only taken after the last growth, so none is ever detached.
 * Reserving returns addresses only, so staging code (src/wasm/*.ts) is plain data building.
 */
export class Layout {
  private readonly writes: Array<() => void> = [];
  /** The index tables reserved with a source, by address: the pool's splitter reads them here. */
  private readonly tables = new Map<number, Int32Array>();
  private readonly placed = new Map<TensorData, number>();
  /** `limit`: the first byte this call may not use (a worker pool's call in flight starts there). */
  constructor(private readonly module: WasmModule, private end: number, private readonly limit = Infinity) {}

  /** The first byte after this call's buffers (a worker pool lays its workers' scratch out from here). */
  get top(): number {
    return this.end;
  }

  /** The module's maximumMemory: staging that trades memory for speed decides by it (src/wasm/conv.ts). */
  get budget(): number {
    return this.module.maximumMemory;
  }

  /** Whether the module is a SIMD build (kernels that take other paths there: src/wasm/upsample-reduce.ts). */
  get simd(): boolean {
    return this.module.simd;
  }

  /** Bytes left under the module's maximumMemory after this call's buffers (what a pool's chunks may still take). */
  get room(): number {
    return this.module.maximumMemory - this.end;
  }

  private reserve(bytes: number): number {
    const ptr = this.end;
    this.end = align(ptr + bytes);
    return ptr;
  }

  /**
   * Space for `length` floats, filled from `source` at commit when given (a resident source is
   * used in place); a source of another element type is widened as it is copied (exactly).
   */
  f32(length: number, source?: TensorData): number {
    const placed = source && this.placed.get(source);
    if (placed !== undefined) return placed;
    const resident = source instanceof Float32Array ? this.module.residentPointer(source) : -1;
    if (resident >= 0) return resident; // already in linear memory: no copy
    const ptr = this.reserve(length * 4);
    if (source) this.writes.push(() => this.module.f32(ptr, length).set(source));
    return ptr;
  }

  /** Space for `length` float64 values, filled from `source` at commit (an integer type's elements exactly). */
  f64(length: number, source?: ArrayLike<number>): number {
    const ptr = this.reserve(length * 8);
    if (source) this.writes.push(() => new Float64Array(this.module.memory.buffer, ptr, length).set(source));
    return ptr;
  }

  /**
   * Space for the runs of `source` (a band's rows of every channel, src/tiling/runs.ts), packed,
   * filled at commit; a resident source is read at its address (growth detaches its view).
   */
  f32Runs(source: Float32Array, runs: Runs): number {
    const resident = this.module.residentPointer(source);
    const length = runsLength(runs);
    const ptr = this.reserve(length * 4);
    this.writes.push(() => packRuns(resident >= 0 ? this.module.f32(resident, runsEnd(runs)) : source, runs, this.module.f32(ptr, length)));
    return ptr;
  }

  /**
   * Makes `f32(…, source)` return `ptr`: the float32 values of `source` are put there by a kernel
   * the caller runs first (half floats, widened in WebAssembly: src/wasm/convert.ts).
   */
  place(source: TensorData, ptr: number): void {
    this.placed.set(source, ptr);
  }

  /** Space for `length` bytes (plus `pad` bytes that kernels may touch past the end), filled from `source`. */
  bytes(length: number, source?: Bytes, pad = 0): number {
    const ptr = this.reserve(length + pad);
    if (source) this.writes.push(() => new Uint8Array(this.module.memory.buffer, ptr, source.length).set(source));
    return ptr;
  }

  /**
   * Space for rows `rows` (ascending) of `source`, `rowBytes` each, packed one after another
   * (plus `pad` bytes), copied at commit a run of consecutive rows at a time.
   */
  gatherRows(source: Bytes, rowBytes: number, rows: Int32Array, pad = 0): number {
    const ptr = this.reserve(rows.length * rowBytes + pad);
    this.writes.push(() => {
      const memory = new Uint8Array(this.module.memory.buffer);
      for (let i = 0; i < rows.length;) {
        let j = i + 1;
        while (j < rows.length && rows[j] === rows[j - 1] + 1) j++;
        memory.set(source.subarray(rows[i] * rowBytes, (rows[j - 1] + 1) * rowBytes), ptr + i * rowBytes);
        i = j;
      }
    });
    return ptr;
  }

  /** Space for an index table, filled at commit. */
  i32(source: Int32Array): number {
    const ptr = this.reserve(source.length * 4);
    this.tables.set(ptr, source);
    this.writes.push(() => this.module.i32(ptr, source.length).set(source));
    return ptr;
  }

  /** The index table reserved at `ptr` (before or after commit). */
  table(ptr: number): Int32Array {
    const t = this.tables.get(ptr);
    if (!t) throw new Error(`no index table was reserved at ${ptr}`);
    return t;
  }

  /**
   * The row cache of the 2-D kernels (see src/ring.ts): ringSlots(taps) rows of `rowFloats`
   * floats, and an i32 tag a slot (the source row it holds).
   */
  rowRing(taps: number, rowFloats: number, minFloats = 0): { ring: number; tags: number } {
    const slots = ringSlots(taps);
    return { ring: this.f32(Math.max(slots * rowFloats, minFloats)), tags: this.i32(new Int32Array(slots)) };
  }

  /** Grows memory if needed, then copies the inputs in; writes nothing when past the limit. */
  commit(): void {
    if (this.end > this.limit) throw new LayoutLimitError(this.end, this.limit);
    this.module.ensure(this.end);
    for (const write of this.writes) write();
  }
}
