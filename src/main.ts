// `npm start`: the main job on built-in inputs. Reproduces the seed examples (bilinear and
// transposed convolution), prints a short WebAssembly-vs-plain-JS throughput table, and runs the
// command line on the sample image.

import { convTranspose2d, init, interpolate, js, type Tensor } from './index.js';
import { seedConvTransposeMatches, seedConvTransposeTable } from './demo/conv.js';
import { formatChannel, SEED_BILINEAR_EXPECTED, seedBilinear } from './demo/interpolate.js';
import { runSampleImage } from './demo/image.js';

function median(times: number[]): number {
  const s = times.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn: () => void, runs = 15): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function randomTensor(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.37) * 2;
  return { data, shape };
}

async function main(): Promise<void> {
  const info = await init();
  console.log(`upsample-wasm: WebAssembly ${info.simd ? 'SIMD' : 'scalar'} build loaded\n`);

  const bilinear = seedBilinear({ interpolate });
  const ok = SEED_BILINEAR_EXPECTED.flat().every((v, i) => bilinear.data[i] === v);
  console.log('Seed: 4x4 ramp 1..16 over 8 channels, bilinear to 8x8 (alignCorners false), first channel:');
  console.log(formatChannel(bilinear));
  console.log(ok ? 'matches PyTorch exactly\n' : 'DOES NOT MATCH PyTorch\n');

  console.log(seedConvTransposeTable({ convTranspose2d }));
  const convOk = seedConvTransposeMatches({ convTranspose2d });
  console.log(convOk ? 'matches PyTorch exactly\n' : 'DOES NOT MATCH PyTorch\n');

  const workloads: Array<[string, number[], Parameters<typeof interpolate>[1]]> = [
    ['bilinear 2x [1,32,256,256]', [1, 32, 256, 256], { scaleFactor: 2, mode: 'bilinear' }],
    ['nearest 2x [1,32,256,256]', [1, 32, 256, 256], { scaleFactor: 2, mode: 'nearest' }],
    ['bicubic 2x [1,3,512,512]', [1, 3, 512, 512], { scaleFactor: 2, mode: 'bicubic' }],
  ];
  console.log('Throughput, single thread, into a reused `out` (median ms; see `npm run bench` for more):');
  console.log('| workload | wasm ms | plain JS ms | JS / wasm |\n|---|---:|---:|---:|');
  for (const [name, shape, options] of workloads) {
    const input = randomTensor(shape);
    const out = interpolate(input, options);
    const wasmMs = time(() => interpolate(input, { ...options, out }));
    const jsMs = time(() => js.interpolate(input, { ...options, out }));
    console.log(`| ${name} | ${wasmMs.toFixed(2)} | ${jsMs.toFixed(2)} | ${(jsMs / wasmMs).toFixed(1)}x |`);
  }
  if (!ok || !convOk) process.exitCode = 1;

  console.log('');
  for (const line of await runSampleImage()) console.log(line);
}

await main();
