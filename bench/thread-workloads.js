// The threads benchmark's workloads, shared by its main script and its synchronous-API threads.

import { randomTensor } from './common.js';

export const workloads = [
  {
    title: 'W3 bicubic 2x [1,3,512,512]',
    inputs: () => [randomTensor([1, 3, 512, 512])],
    run: (ops, [x], out) => ops.interpolate(x, { scaleFactor: 2, mode: 'bicubic', out }),
  },
  {
    title: 'W4 convTranspose2d 32->32 k4 s2 p1 [1,32,64,64]',
    inputs: () => [randomTensor([1, 32, 64, 64]), randomTensor([32, 32, 4, 4], 2)],
    run: (ops, [x, w], out) => ops.convTranspose2d(x, w, { stride: 2, padding: 1, out }),
  },
];
