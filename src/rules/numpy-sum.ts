// numpy's order of summing n float64 values along a contiguous axis (np.add.reduce: 0 plus its
// pairwise sum): one by one below 8, eight running sums up to 128, halves above. The ONNX
// reference sums exclude_outside's weights and the last axis' weighted taps so (its other axes
// one tap after another): float64 results of integer inputs follow it to the last bit.

/** values[at + k * stride], k < n, summed as numpy sums a contiguous axis. */
export function numpySum(values: ArrayLike<number>, at: number, n: number, stride = 1): number {
  if (n < 8) {
    let s = 0;
    for (let k = 0; k < n; k++) s += values[at + k * stride];
    return s;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => values[at + j * stride]);
    let k = 8;
    for (; k < n - (n % 8); k += 8) for (let j = 0; j < 8; j++) r[j] += values[at + (k + j) * stride];
    let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; k < n; k++) s += values[at + k * stride];
    return s;
  }
  const half = (n >> 1) - ((n >> 1) % 8);
  return numpySum(values, at, half, stride) + numpySum(values, at + half * stride, n - half, stride);
}
