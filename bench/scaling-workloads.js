// The scaling benchmark's workloads (issue #18's table), shared by its main script and its
// ceiling threads: three calls of a few milliseconds (W1, W3, W4) and three of tens.

import { randomTensor } from './common.js';
import { convTransposeModel, resizeModel } from './onnx-models.js';

const interpolate = (id, title, shape, mode, onnx) => ({
  id, title,
  inputs: () => [randomTensor(shape)],
  run: (ops, [x], out) => ops.interpolate(x, { scaleFactor: 2, mode, out }),
  model: () => resizeModel(shape, 2, onnx),
  // onnxruntime-node's cubic Resize takes ~0.3 s a call on W3 and 16x that on the large one.
  ortSlow: mode === 'bicubic',
});

const convTranspose = (id, title, shape, channels) => {
  const weight = randomTensor([shape[1], channels, 4, 4], 2);
  const options = { stride: 2, padding: 1 };
  return {
    id, title,
    inputs: () => [randomTensor(shape), weight],
    run: (ops, [x, w], out) => ops.convTranspose2d(x, w, { ...options, out }),
    model: () => convTransposeModel(shape, weight, options),
    ortSlow: false,
  };
};

export const workloads = [
  interpolate('W1', 'W1 bilinear 2x [1,32,256,256]', [1, 32, 256, 256], 'bilinear', 'linear'),
  interpolate('W3', 'W3 bicubic 2x [1,3,512,512]', [1, 3, 512, 512], 'bicubic', 'cubic'),
  convTranspose('W4', 'W4 convT 32->32 k4s2p1 [1,32,64,64]', [1, 32, 64, 64], 32),
  interpolate('L1', 'bilinear 2x [1,64,512,512]', [1, 64, 512, 512], 'bilinear', 'linear'),
  interpolate('L3', 'bicubic 2x [1,3,2048,2048]', [1, 3, 2048, 2048], 'bicubic', 'cubic'),
  convTranspose('L4', 'convT 64->64 k4s2p1 [1,64,128,128]', [1, 64, 128, 128], 64),
];
