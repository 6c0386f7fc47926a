// Tensors that live in WebAssembly memory, so a pipeline of operations copies nothing.
//
// Memory of a module, from low to high addresses:
//   [0, heap base)         the module's static data
//   [heap base, top)       resident tensors (live blocks, and the gaps that disposed ones left)
//   [top, ...)             one call's scratch (tables, copies of JS inputs, intermediates),
//                          laid out afresh by every call from `scratchBase`
// New tensors go first-fit into a gap, else at the top. Operations recognise a tensor's data as a
// view into their module's memory and pass its address instead of copying it in or out.
//
// Views and `memory.grow`: growing a non-shared memory detaches every view of it. A resident
// tensor's `data` is a getter that re-creates the view whenever the module's buffer changed, so
// read `tensor.data` afresh after any call (never keep the Float32Array across calls).

import { checkInteger, formatShape, MAX_ELEMENTS, product, type Tensor } from '../tensor.js';

/** A block of linear memory owned by one resident tensor. */
export interface Block {
  readonly ptr: number;
  readonly bytes: number;
  /** Operations in flight that read or write this block (a worker pool's); freeing waits for 0. */
  pins: number;
  /** dispose() was called; the block is freed once no operation pins it. */
  released: boolean;
}

const ALIGN = 64;

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** The resident region of one module: live blocks sorted by address. */
export class ResidentHeap {
  private readonly blocks: Block[] = [];
  /**
   * Memory that operations in flight use (a pool's calls): [start, end) byte ranges that no new
   * block may overlap, even where they lie in a gap between blocks.
   */
  busy: ReadonlyArray<{ readonly start: number; readonly end: number }> = [];

  /** Every view a resident tensor handed out, with its block: a kept view of a disposed tensor is known as such. */
  private readonly views = new WeakMap<Float32Array, Block>();

  constructor(private readonly base: number, private readonly ensure: (end: number) => void) {}

  /** Records a view of `block` that a tensor hands out. */
  issued(view: Float32Array, block: Block): Float32Array {
    this.views.set(view, block);
    return view;
  }

  /** The block a view was handed out for (undefined for other arrays, subarrays included). */
  blockOf(view: Float32Array): Block | undefined {
    return this.views.get(view);
  }

  /** Where one call's scratch starts: above every live block. */
  get top(): number {
    const last = this.blocks[this.blocks.length - 1];
    return last ? align(last.ptr + last.bytes) : this.base;
  }

  /** Live resident tensors (for tests and leak checks). */
  get count(): number {
    return this.blocks.length;
  }

  allocate(bytes: number): Block {
    const size = align(Math.max(bytes, 1));
    // First fit among the blocks and the busy ranges, in address order.
    const taken = [...this.blocks.map((b) => ({ start: b.ptr, end: b.ptr + b.bytes })), ...this.busy]
      .sort((x, y) => x.start - y.start);
    let ptr = this.base;
    for (const range of taken) {
      if (range.start - ptr >= size) break;
      ptr = Math.max(ptr, align(range.end));
    }
    this.ensure(ptr + size);
    const block: Block = { ptr, bytes: size, pins: 0, released: false };
    const at = this.blocks.findIndex((b) => b.ptr > ptr);
    this.blocks.splice(at < 0 ? this.blocks.length : at, 0, block);
    return block;
  }

  release(block: Block): void {
    block.released = true;
    if (block.pins > 0) return;
    const i = this.blocks.indexOf(block);
    if (i >= 0) this.blocks.splice(i, 1);
  }

  unpin(block: Block): void {
    block.pins--;
    if (block.pins === 0 && block.released) this.release(block);
  }

  /** The live block holding bytes [offset, offset + length), if any. */
  find(offset: number, length: number): Block | undefined {
    for (const b of this.blocks) {
      if (offset >= b.ptr && offset + length <= b.ptr + b.bytes) return b.released ? undefined : b;
    }
    return undefined;
  }
}

/** A tensor whose data lives in WebAssembly memory: usable as any operation's input or `out`. */
export interface ResidentTensor extends Tensor {
  /** A view into the module's memory, re-created after the memory grows: read it afresh after every call. */
  readonly data: Float32Array;
  readonly shape: number[];
  /** Whether dispose() was called. */
  readonly disposed: boolean;
  /** Frees the memory (idempotent); afterwards `data` throws. */
  dispose(): void;
}

/** What a resident tensor needs from its module. */
export interface ResidentHost {
  readonly memory: WebAssembly.Memory;
  readonly heap: ResidentHeap;
}

class WasmTensor implements ResidentTensor {
  readonly shape: number[];
  private view: Float32Array;
  /** Kept apart from the view: a detached view reports length 0. */
  private readonly length: number;

  constructor(private readonly host: ResidentHost, readonly block: Block, shape: number[]) {
    this.shape = shape;
    this.length = product(shape);
    this.view = host.heap.issued(new Float32Array(host.memory.buffer, block.ptr, this.length), block);
  }

  get data(): Float32Array {
    if (this.block.released) throw new Error('this resident tensor was disposed; its data is gone');
    const buffer = this.host.memory.buffer;
    if (this.view.buffer !== buffer) this.view = this.host.heap.issued(new Float32Array(buffer, this.block.ptr, this.length), this.block);
    return this.view;
  }

  get disposed(): boolean {
    return this.block.released;
  }

  dispose(): void {
    if (!this.block.released) this.host.heap.release(this.block);
  }
}

/**
 * A zero-filled tensor of `shape` in the host's memory, or a copy of `data` when given (a
 * Float32Array or numbers, of the shape's length).
 */
export function allocResident(host: ResidentHost, shapeArg: unknown, data?: ArrayLike<number>): ResidentTensor {
  if (!Array.isArray(shapeArg)) throw new TypeError(`allocTensor: shape must be an array of integers, but got ${typeof shapeArg}`);
  const shape = (shapeArg as number[]).slice(); // read once: the checks and the tensor see the same dimensions
  for (const d of shape) checkInteger(d, 'allocTensor: shape', 0);
  const n = product(shape);
  if (n > MAX_ELEMENTS) throw new RangeError(`allocTensor: shape ${formatShape(shape)} has ${n} elements, more than the ${MAX_ELEMENTS} supported`);
  if (data !== undefined) {
    if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
      throw new TypeError('allocTensor: data must be a Float32Array or an array of numbers');
    }
    if (data.length !== n) throw new RangeError(`allocTensor: data has ${data.length} elements but shape ${formatShape(shape)} needs ${n}`);
  }
  const tensor = new WasmTensor(host, host.heap.allocate(n * 4), shape);
  // A reused gap holds old scratch; fresh pages are zero already, but one fill is cheaper than tracking which.
  if (data === undefined) tensor.data.fill(0);
  else tensor.data.set(data);
  return tensor;
}
