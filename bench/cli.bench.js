// The command line end to end against sharp and ImageMagick (issue 20): wall time and peak RSS of
// whole processes, as a user runs them.
// Run: `npm run bench:cli` (BENCH_CLI_ROUNDS=n, default 2; BENCH_CLI_CASES=large,small,folder
// runs only those cases and keeps the other sections of bench/results/cli.json as they were,
// each section saying when it ran and the machine's load average then; BENCH_CLI_BASELINE=
// <path>/dist/cli.js runs another build of the command too, in the same rounds).
//
// Cases: a 4000 x 3000 JPEG photo 2x bilinear to JPEG; a 512 x 512 PNG 2x bicubic to PNG; a
// folder of 20 photos of mixed sizes and formats (JPEG, PNG, WebP) to 800 pixels wide, bilinear
// with antialiasing. The inputs are synthetic photographs (smooth gradients, edges, sensor-like
// noise) generated once into out/bench-cli/. Tools: upsample-wasm (dist/cli.js: its own JPEG encoder
// and decoder, shrinking JPEG on decode where the resize is an antialiased downscale; also
// --jpeg-encoder mozjpeg on the cases with JPEG output, and --no-shrink-on-decode and
// --jpeg-decoder mozjpeg on the cases with JPEG input), sharp with its
// defaults (a folder: every file at once) and with concurrency(1) (a folder: one file at a time),
// ImageMagick's convert when a real one is installed (one file at a time). JPEG quality 90 for all.
// Rounds are interleaved (each round runs every tool once), so that a shared machine's load
// biases them alike; medians over rounds.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { machine, photoPixels } from './common.js';

const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 2);
const ONLY = process.env.BENCH_CLI_CASES?.split(',');
// BENCH_CLI_BASELINE=<another checkout's dist/cli.js>: that build too, in the same rounds (before/after a change).
const BASELINE = process.env.BENCH_CLI_BASELINE;
const root = new URL('..', import.meta.url).pathname;
const work = join(root, 'out', 'bench-cli');
const cliJs = join(root, 'dist', 'cli.js');
const sharpJs = join(root, 'bench', 'cli-sharp.mjs');

/** A synthetic photograph (bench/common.js photoPixels) written as PNG, WebP or JPEG. */
async function photo(width, height, seed, path) {
  const data = photoPixels(width, height, seed);
  const image = sharp(data, { raw: { width, height, channels: 3 } });
  if (path.endsWith('.png')) await image.png().toFile(path);
  else if (path.endsWith('.webp')) await image.webp({ quality: 85 }).toFile(path);
  else await image.jpeg({ quality: 90 }).toFile(path);
}

async function inputs() {
  const folder = join(work, 'photos');
  if (existsSync(join(work, 'ready'))) return folder;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  await photo(4000, 3000, 1, join(work, 'photo-4000x3000.jpg'));
  await photo(512, 512, 2, join(work, 'image-512.png'));
  const sizes = [[640, 480], [1024, 768], [1600, 1200], [2000, 1500], [800, 1200], [1200, 800], [3000, 2000]];
  for (let i = 0; i < 20; i++) {
    const [w, h] = sizes[i % sizes.length];
    const ext = i % 10 === 3 ? 'png' : i % 10 === 7 ? 'webp' : 'jpg';
    await photo(w, h, 10 + i, join(folder, `photo-${String(i).padStart(2, '0')}-${w}x${h}.${ext}`));
  }
  writeFileSync(join(work, 'ready'), '');
  return folder;
}

/** The real ImageMagick convert (not a stand-in script), or undefined. */
function imagemagick() {
  for (const bin of ['/usr/bin/convert-im6.q16', '/usr/bin/convert', 'convert', 'magick']) {
    try {
      const path = bin.startsWith('/') ? bin : execFileSync('sh', ['-c', `command -v ${bin}`]).toString().trim();
      if (!path || readFileSync(path).subarray(0, 4).toString('latin1') !== '\x7fELF') continue;
      if (/ImageMagick/.test(execFileSync(path, ['-version']).toString())) return path;
    } catch { /* next */ }
  }
  return undefined;
}

/**
 * Runs argv under /usr/bin/time -v: wall seconds (timed here around the whole spawn, to the
 * millisecond: time's own figure has 10 ms steps, coarse for a 0.2 s run) and peak RSS in MiB.
 */
function timed(argv, env = {}) {
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)[1]) / 1024;
  // CPU time (user + system, all threads): steadier than wall time on a shared machine.
  const cpu = ['User', 'System'].reduce((sum, kind) => sum + Number(new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(run.stderr)[1]), 0);
  return { seconds, rss, cpu };
}

// sharp's qualities, per output format: also the command's own defaults (--quality sets one value
// for every format, so the folder case, with WebP outputs, leaves it unset: the same settings both ways).
const QUALITY = { jpeg: 90, webp: 80 };
const cpus = availableParallelism();

async function main() {
  const folder = await inputs();
  const convert = imagemagick();
  const out = join(work, 'out');
  const fresh = (name) => { const p = join(out, name); rmSync(p, { recursive: true, force: true }); return p; };
  mkdirSync(out, { recursive: true });
  const cases = [
    {
      key: 'large',
      title: '4000 x 3000 JPEG, 2x bilinear, JPEG out',
      input: join(work, 'photo-4000x3000.jpg'), output: 'big.jpg', ours: ['--scale', '2', '--mode', 'bilinear', '--quality', '90'],
      sharp: { scale: 2, kernel: 'linear' }, im: ['-filter', 'Triangle', '-resize', '200%', '-quality', '90'],
    },
    {
      key: 'small',
      title: '512 x 512 PNG, 2x bicubic, PNG out',
      input: join(work, 'image-512.png'), output: 'small.png', ours: ['--scale', '2', '--mode', 'bicubic'],
      sharp: { scale: 2, kernel: 'cubic' }, im: ['-filter', 'Catrom', '-resize', '200%'],
    },
    {
      key: 'folder',
      title: 'a folder of 20 photos (JPEG, PNG, WebP; 0.3-6 MP) to 800 wide, bilinear antialiased',
      input: folder, output: 'folder', folder: true, ours: ['--width', '800', '--mode', 'bilinear', '--antialias'],
      sharp: { width: 800, kernel: 'linear' }, im: ['-filter', 'Triangle', '-resize', '800x', '-quality', '90'],
    },
  ];
  const tools = [
    { name: 'upsample-wasm', run: (c) => timed([process.execPath, cliJs, c.input, '-o', fresh(c.output), '--quiet', ...c.ours]) },
    ...(BASELINE ? [{
      name: 'upsample-wasm (baseline build)',
      run: (c) => timed([process.execPath, BASELINE, c.input, '-o', fresh(c.output), '--quiet', ...c.ours]),
    }] : []),
    {
      name: 'upsample-wasm --jpeg-encoder mozjpeg',
      jpegOnly: true,
      run: (c) => timed([process.execPath, cliJs, c.input, '-o', fresh(c.output), '--quiet', ...c.ours, '--jpeg-encoder', 'mozjpeg']),
    },
    {
      name: 'upsample-wasm --no-shrink-on-decode',
      jpegInput: true,
      downscaleOnly: true, // shrinking applies to antialiased downscales only
      run: (c) => timed([process.execPath, cliJs, c.input, '-o', fresh(c.output), '--quiet', ...c.ours, '--no-shrink-on-decode']),
    },
    {
      name: 'upsample-wasm --jpeg-decoder mozjpeg',
      jpegInput: true,
      run: (c) => timed([process.execPath, cliJs, c.input, '-o', fresh(c.output), '--quiet', ...c.ours, '--jpeg-decoder', 'mozjpeg']),
    },
    { name: 'sharp (defaults)', run: (c) => timed([process.execPath, sharpJs, c.input, fresh(c.output), JSON.stringify({ ...c.sharp, quality: QUALITY })]) },
    {
      name: 'sharp concurrency(1)',
      run: (c) => timed([process.execPath, sharpJs, c.input, fresh(c.output), JSON.stringify({ ...c.sharp, quality: QUALITY })], { SHARP_CONCURRENCY: '1', UV_THREADPOOL_SIZE: '1' }),
    },
  ];
  if (convert) {
    tools.push({
      name: 'ImageMagick convert',
      once: true, // minutes on the large case: one round
      run: (c) => {
        const target = fresh(c.output);
        if (!c.folder) return timed([convert, c.input, '-auto-orient', ...c.im, target]);
        mkdirSync(target, { recursive: true });
        return timed(['sh', '-c', `for f in "$0"/*; do "$1" "$f" -auto-orient ${c.im.join(' ')} "$2/$(basename "$f")" || exit 1; done`, c.input, convert, target]);
      },
    });
  }
  const resultsUrl = new URL('./results/cli.json', import.meta.url);
  const old = ONLY && existsSync(resultsUrl) ? JSON.parse(readFileSync(resultsUrl, 'utf8')) : { sections: [] };
  // Sections from before runs said when they ran: the file's machine line and rounds then.
  const previous = old.sections.map((s) => ({ ...s, ran: s.ran ?? `an earlier run (${old.machine}, ${old.rounds} rounds)` }));
  const sections = [];
  for (const c of cases) {
    if (ONLY && !ONLY.includes(c.key)) {
      const kept = previous.find((s) => s.title === c.title);
      if (kept) sections.push(kept);
      continue;
    }
    const load = [loadavg()[0]];
    const samples = tools.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, tool] of (r & 1 ? [...tools.entries()].reverse() : [...tools.entries()])) {
        if ((tool.once && r > 0) || (tool.jpegOnly && c.output.endsWith('.png')) || (tool.jpegInput && c.input.endsWith('.png'))
          || (tool.downscaleOnly && !c.ours.includes('--antialias'))) continue;
        const result = tool.run(c);
        samples[i].push(result);
        console.log(`${c.title} | ${tool.name} | round ${r + 1}: ${result.seconds.toFixed(3)} s, CPU ${result.cpu.toFixed(2)} s, ${result.rss.toFixed(0)} MiB`);
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
    const rows = tools.map((t, i) => samples[i].length && ({
      name: t.name, seconds: median(samples[i].map((s) => s.seconds)), rss: median(samples[i].map((s) => s.rss)),
      minSeconds: Math.min(...samples[i].map((s) => s.seconds)), cpu: median(samples[i].map((s) => s.cpu)), runs: samples[i].length,
    })).filter(Boolean);
    load.push(loadavg()[0]);
    sections.push({ title: c.title, rows, ran: `${machine()}, ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}, load average ${load.map((l) => l.toFixed(1)).join(' -> ')} on ${cpus} cores`, rounds: ROUNDS });
  }
  const base = (s) => s.rows.find((r) => r.name === 'sharp (defaults)');
  const md = [
    '# cli benchmark', '',
    `Machine: ${machine()}. Whole processes under /usr/bin/time -v (peak RSS; wall time measured around the spawn), interleaved rounds, medians (lower of two); ` +
    `ratios to sharp with its defaults in the same run. ${convert ? `ImageMagick: ${execFileSync(convert, ['-version']).toString().split('\n')[0]}.` : 'ImageMagick: no real convert installed, skipped.'}`,
    'The machine is shared with other jobs: the numbers are noisy; compare within a table.', '',
  ];
  for (const s of sections) {
    md.push(`## ${s.title}`, '', ...(s.ran ? [`Ran: ${s.ran}.`, ''] : []), '| tool | wall s (min) | x sharp | CPU s | x sharp | peak RSS MiB | x sharp |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const r of s.rows) {
      const digits = r.seconds < 1 ? 3 : 2;
      // Sections kept from runs before CPU time was recorded have none.
      const cpu = r.cpu === undefined ? '-' : r.cpu.toFixed(2);
      const cpuRatio = r.cpu === undefined || base(s).cpu === undefined ? '-' : (r.cpu / base(s).cpu).toFixed(2);
      md.push(`| ${r.name} | ${r.seconds.toFixed(digits)} (${r.minSeconds.toFixed(digits)}) | ${(r.seconds / base(s).seconds).toFixed(2)} | ${cpu} | ${cpuRatio} | ${r.rss.toFixed(0)} | ${(r.rss / base(s).rss).toFixed(2)} |`);
    }
    md.push('');
  }
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('cli.json', dir), JSON.stringify({ machine: machine(), imagemagick: convert ?? null, sections }, null, 2) + '\n');
  writeFileSync(new URL('cli.md', dir), md.join('\n'));
  console.log(md.join('\n'));
}

await main();
