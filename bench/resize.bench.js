// Other frameworks' resize against interpolate on the same work: ONNX `resize` in every
// coordinate mode and TensorFlow's `resizeBilinear` (NHWC), with the memory roofline, all in one
// run. Run with `npm run bench:resize` (builds first).

import * as up from '../dist/index.js';
import { measure, randomTensor, save, table } from './common.js';

const CTMS = ['half_pixel', 'pytorch_half_pixel', 'half_pixel_symmetric', 'align_corners', 'asymmetric'];

const workloads = [
  { title: 'W1 bilinear 2x [1,32,256,256]', shape: [1, 32, 256, 256], interpolate: { scaleFactor: 2, mode: 'bilinear' }, mode: 'linear' },
  { title: 'W3 bicubic 2x [1,3,512,512]', shape: [1, 3, 512, 512], interpolate: { scaleFactor: 2, mode: 'bicubic' }, mode: 'cubic' },
];

export async function benchResize() {
  await up.init({ simd: true });
  const sections = [];
  for (const w of workloads) {
    const input = randomTensor(w.shape);
    const expected = up.interpolate(input, w.interpolate);
    const out = { data: new Float32Array(expected.data.length), shape: expected.shape };
    const scales = [1, 1, 2, 2];
    const tasks = [
      { name: 'roofline: fill output', fn: () => out.data.fill(0.5) },
      { name: 'interpolate with out', fn: () => up.interpolate(input, { ...w.interpolate, out }) },
      { name: 'interpolate alignCorners with out', fn: () => up.interpolate(input, { ...w.interpolate, alignCorners: true, out }) },
      ...CTMS.map((ctm) => ({ name: `resize ${ctm} with out`, fn: () => up.resize(input, { scales, mode: w.mode, coordinateTransformationMode: ctm, out }) })),
    ];
    if (w.mode === 'linear') {
      const [n, c, h, wd] = w.shape;
      const nhwc = randomTensor([n, h, wd, c]);
      const nhwcOut = { data: new Float32Array(out.data.length), shape: [n, 2 * h, 2 * wd, c] };
      tasks.push({ name: 'resizeBilinear NHWC halfPixelCenters with out', fn: () => up.resizeBilinear(nhwc, [2 * h, 2 * wd], { halfPixelCenters: true, out: nhwcOut }) });
    }
    const rows = await measure(tasks);
    const get = (name) => rows.find((r) => r.name === name).median;
    const base = get('interpolate with out');
    const note = CTMS.map((ctm) => `${ctm} ${(get(`resize ${ctm} with out`) / (ctm === 'align_corners' ? get('interpolate alignCorners with out') : base)).toFixed(2)}x`).join(', ') +
      ' (align_corners against interpolate with alignCorners)';
    sections.push({ title: w.title, rows, baseline: 'interpolate with out', note: `resize / interpolate: ${note}.` });
    console.log(`\n${w.title}\nresize / interpolate: ${note}\n${table(rows, 'interpolate with out')}`);
  }
  save('resize', sections);
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchResize();
