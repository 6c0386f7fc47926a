// Arrays kept on a thread for the next use of the same length: a folder's images are mostly of a
// few sizes, so a run allocates (and the collector frees) a few large arrays, not several a file.
// An array is taken out while it is in use and given back when its user is through, so files
// converted at once on one thread never share one.

export class Spares<T extends { length: number }> {
  private readonly free: T[] = [];

  constructor(private readonly make: (length: number) => T, private readonly kept: number) {}

  /** A free array of `length`, or a new one. */
  take(length: number): T {
    const at = this.free.findIndex((a) => a.length === length);
    return at >= 0 ? this.free.splice(at, 1)[0] : this.make(length);
  }

  /** `array` free again (the oldest beyond `kept` is dropped). */
  give(array: T): void {
    this.free.push(array);
    if (this.free.length > this.kept) this.free.shift();
  }
}
