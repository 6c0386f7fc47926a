// `npm start`, images: runs the command line on the shipped sample image (assets/sample.png,
// generated, CC0) with WebAssembly and with plain JS, writing under out/ (ignored by git).

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo, type FileReport } from '../cli/run.js';

const silent: CliIo = { stdout: { write: () => true }, stderr: { write: () => true } };

/** Runs `upsample-wasm assets/sample.png -o out/sample@4x.png --scale 4 --mode bicubic`; returns lines to print. */
export async function runSampleImage(): Promise<string[]> {
  const sample = fileURLToPath(new URL('../../assets/sample.png', import.meta.url));
  const outDir = fileURLToPath(new URL('../../out/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  const run = async (name: string, extra: string[]): Promise<FileReport> => {
    const errors: string[] = [];
    const io = { ...silent, stderr: { write: (text: string) => errors.push(text) } };
    const { code, files } = await runCli([sample, '-o', `${outDir}${name}`, '--scale', '4', '--mode', 'bicubic', '--force', '--quiet', ...extra], io);
    if (code !== 0) throw new Error(`upsample-wasm exited with ${code}: ${errors.join('')}`);
    return files[0];
  };
  const wasm = await run('sample@4x.png', []);
  const plain = await run('sample@4x-js.png', ['--js']);
  // Second runs: the first includes compiling the module's code.
  const wasmWarm = await run('sample@4x.png', []);
  const plainWarm = await run('sample@4x-js.png', ['--js']);
  const ms = (r: FileReport) => `${r.resizeMs.toFixed(1)} ms`;
  return [
    `Sample image: assets/sample.png ${wasm.width}x${wasm.height} -> out/sample@4x.png ${wasm.outWidth}x${wasm.outHeight}, bicubic, premultiplied alpha`,
    `  resizeImage, WebAssembly: ${ms(wasmWarm)} (first call ${ms(wasm)}); plain JS: ${ms(plainWarm)} (first call ${ms(plain)}); ` +
      `plain JS / WebAssembly: ${(plainWarm.resizeMs / wasmWarm.resizeMs).toFixed(1)}x`,
    `  whole command (read, decode, resize, encode PNG, write): ${wasmWarm.totalMs.toFixed(0)} ms; plain-JS result in out/sample@4x-js.png`,
  ];
}
