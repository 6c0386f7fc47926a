// W8 Pillow: RGBA 1024x1024 -> 2048x2048 and -> 256x256, lanczos and bicubic, resizeImage with
// convention 'pillow' (bit-exact with Pillow 9.4; WebAssembly SIMD, scalar, plain JS) against
// Pillow itself (Image.resize in a child /usr/bin/python3, one thread, timed per call from here:
// the pipe round trip is measured as its own row) and sharp (libvips lanczos3 / cubic,
// sharp.concurrency(1)). Run with `npm run bench:conventions`.
//
// sharp computes something else (its own kernels and coordinates), so it is a speed peer only.
// Pillow computes the same bytes: the run checks ours equal Pillow's once per case.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as up from '../dist/index.js';
import { loadSharp, measure, randomImage, save, table } from './common.js';

const sharp = await loadSharp();

const SIZE = 1024;

const loadAverage = () => loadavg()[0].toFixed(1);

const PILLOW_SERVER = `
import sys
import { writePipelineChart } from './pipeline-chart.js';
from PIL import Image
raw = open(sys.argv[1], 'rb').read()
im = Image.frombytes('RGBA', (int(sys.argv[2]), int(sys.argv[3])), raw)
filters = {'lanczos': Image.LANCZOS, 'bicubic': Image.BICUBIC}
out = sys.stdout.buffer
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == 'noop':
        out.write(b'ok\\n')
    elif cmd[0] == 'bytes':
        r = im.resize((int(cmd[2]), int(cmd[2])), filters[cmd[1]]).tobytes()
        out.write(len(r).to_bytes(4, 'little') + r)
    else:
        im.resize((int(cmd[1]), int(cmd[1])), filters[cmd[0]])
        out.write(b'ok\\n')
    out.flush()
`;

/** A Pillow process holding the image: `run(command)` resolves with its reply bytes. */
function pillowServer(image) {
  const dir = mkdtempSync(join(tmpdir(), 'w8-'));
  writeFileSync(join(dir, 'image.raw'), image.data);
  writeFileSync(join(dir, 'server.py'), PILLOW_SERVER);
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  const child = spawn('/usr/bin/python3', [join(dir, 'server.py'), join(dir, 'image.raw'), String(image.width), String(image.height)], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  // Replies in request order (tinybench may start a call before the last one's reply is read).
  let buffered = Buffer.alloc(0);
  const pending = [];
  child.stdout.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (pending.length > 0) {
      const n = pending[0].complete(buffered);
      if (n === 0) break;
      pending.shift().resolve(buffered.subarray(0, n));
      buffered = buffered.subarray(n);
    }
  });
  const reply = (complete) => new Promise((resolve) => pending.push({ complete, resolve }));
  const line = (b) => (b.indexOf(10) >= 0 ? b.indexOf(10) + 1 : 0);
  const framed = (b) => (b.length >= 4 && b.length >= 4 + b.readUInt32LE(0) ? 4 + b.readUInt32LE(0) : 0);
  return {
    run(command) { child.stdin.write(`${command}\n`); return reply(line); },
    async bytes(mode, size) { child.stdin.write(`bytes ${mode} ${size}\n`); return (await reply(framed)).subarray(4); },
    close() { child.stdin.end(); rmSync(dir, { recursive: true, force: true }); },
  };
}

export async function benchConventions() {
  await up.init();
  const scalar = await up.createOperations({ build: 'scalar' });
  const image = randomImage(SIZE, SIZE);
  const pillow = pillowServer(image);
  const sections = [];
  for (const size of [2 * SIZE, SIZE / 4]) {
    for (const [mode, kernel] of [['lanczos', 'lanczos3'], ['bicubic', 'cubic']]) {
      const target = { width: size, height: size };
      const options = { convention: 'pillow', mode };
      const out = new Uint8ClampedArray(size * size * 4);
      const ours = up.resizeImage(image, target, options);
      const theirs = await pillow.bytes(mode, size);
      const same = Buffer.from(ours.data.buffer, ours.data.byteOffset, ours.data.length).equals(theirs);
      const tasks = [
        { name: 'ours: wasm simd with out', fn: () => up.resizeImage(image, target, { ...options, out }) },
        { name: 'ours: wasm simd fresh output', fn: () => up.resizeImage(image, target, options) },
        { name: 'ours: wasm scalar with out', fn: () => scalar.resizeImage(image, target, { ...options, out }) },
        { name: 'ours: js with out', fn: () => up.js.resizeImage(image, target, { ...options, out }), slow: true },
        { name: `Pillow ${mode} (child process, 1 thread)`, fn: () => pillow.run(`${mode} ${size}`) },
        // Tiny tasks: one call a round (with a collection before every call, tinybench's time
        // slices would take thousands of collections), memset 64 times a call.
        { name: 'Pillow pipe round trip alone', fn: () => pillow.run('noop'), slow: true },
        { name: 'memset output (bandwidth reference)', fn: () => { for (let i = 0; i < 64; i++) out.fill(i); }, calls: 64, slow: true },
      ];
      if (sharp) {
        tasks.push({
          name: `sharp ${kernel} (1 thread)`,
          fn: () => sharp(Buffer.from(image.data.buffer), { raw: { width: SIZE, height: SIZE, channels: 4 } })
            .resize(size, size, { kernel, fit: 'fill' }).raw().toBuffer(),
        });
      }
      const rows = await measure(tasks, { gc: true });
      const get = (name, stat = 'median') => rows.find((r) => r.name.startsWith(name))?.[stat];
      const base = get('ours: wasm simd with out');
      // On a loaded machine the medians of the peers (a child process, libvips' thread) stretch
      // more than ours: the ratio of the fastest samples is given beside them.
      const byMin = (name) => (get(name, 'min') / get('ours: wasm simd with out', 'min')).toFixed(1);
      const note = [
        `Bytes equal to Pillow's: ${same ? 'yes' : 'NO'}.`,
        `Pillow / ours (simd, with out): ${(get('Pillow ' + mode) / base).toFixed(1)}x (by minimums ${byMin('Pillow ' + mode)}x);`,
        sharp ? `sharp / ours: ${(get('sharp') / base).toFixed(1)}x (by minimums ${byMin('sharp')}x);` : 'sharp: not run;',
        `js / simd: ${(get('ours: js') / base).toFixed(1)}x; scalar / simd: ${(get('ours: wasm scalar') / base).toFixed(1)}x.`,
      ].join(' ');
      const title = `W8 RGBA ${SIZE}x${SIZE} -> ${size}x${size} Pillow ${mode} (random colour and alpha)`;
      sections.push({ title, rows, baseline: 'ours: wasm simd with out', note });
      console.log(`\n${title}\n${note}\n${table(rows, 'ours: wasm simd with out')}`);
    }
  }
  pillow.close();
  save('conventions', sections, `Single thread (Pillow in a child process, one thread; sharp.concurrency(1)). The machine was shared with other jobs (load average ${loadAverage()} on 2 cores at the end): absolute times are noisy, ratios less so.`);
  writePipelineChart();
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchConventions();
