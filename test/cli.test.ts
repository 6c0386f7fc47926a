// The upsample-wasm command end to end on temporary folders: outputs, every error with its exit
// code, the no-overwrite rule, --force, folder recursion, and the built bin entry.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConvertWorkers } from '../src/cli/convert-workers.js';
import { costliestFirst, JobQueue } from '../src/cli/jobs.js';
import { FOLDER_MAIN_THREAD_PIXELS, MAIN_THREAD_PIXELS } from '../src/cli/process-file.js';
import { runCli } from '../src/cli/run.js';
import { runSampleImage } from '../src/demo/image.js';
import { init, js, resizeImage } from '../src/index.js';

const jsResizeImage = js.resizeImage;

let root: string;
let dirCount = 0;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'upsample-cli-'));
  await init();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function freshDir(): string {
  const dir = join(root, `case${dirCount++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function rgba(width: number, height: number, seed: number, opaque = false): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = opaque && i % 4 === 3 ? 255 : s >>> 24;
  }
  return data;
}

function writePng(path: string, width: number, height: number, seed = 1): Uint8Array {
  const png = new PNG({ width, height });
  const data = rgba(width, height, seed);
  png.data = Buffer.from(data);
  writeFileSync(path, PNG.sync.write(png));
  return data;
}

function writeJpeg(path: string, width: number, height: number): void {
  writeFileSync(path, jpeg.encode({ data: Buffer.from(rgba(width, height, 3, true)), width, height }, 90).data);
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const result = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { ...result, stdout, stderr };
}

/** Files under `dir`, relative, sorted. */
function listing(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listing(dir, join(prefix, e.name)) : [join(prefix, e.name)]).sort();
}

describe('upsample-wasm command', () => {
  it('prints help and the version', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: upsample-wasm <input> -o <output>/);
    const version = await cli('--version');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(version).toMatchObject({ code: 0, stdout: `upsample-wasm ${pkg.version}\n` });
  });

  it('resizes a PNG exactly as resizeImage does, quietly when not on a terminal', async () => {
    const dir = freshDir();
    const data = writePng(join(dir, 'in.png'), 13, 9);
    const run = await cli(join(dir, 'in.png'), '-o', join(dir, 'out.png'), '--scale', '2', '--mode', 'bicubic');
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(run.files).toHaveLength(1);
    expect(run.files[0]).toMatchObject({ width: 13, height: 9, outWidth: 26, outHeight: 18 });
    const out = PNG.sync.read(readFileSync(join(dir, 'out.png')));
    expect([out.width, out.height]).toEqual([26, 18]);
    const expected = resizeImage({ data, width: 13, height: 9 }, { scale: 2 }, { mode: 'bicubic' });
    expect(Buffer.from(out.data).equals(Buffer.from(expected.data))).toBe(true);
    expect(listing(dir)).toEqual(['in.png', 'out.png']); // no temporary file left
  });

  it('converts by extension (PNG -> JPEG, JPEG -> PNG), keeps the aspect ratio from --width, and runs on --js', async () => {
    const dir = freshDir();
    writePng(join(dir, 'a.png'), 20, 10);
    writeJpeg(join(dir, 'b.jpeg'), 16, 12);
    const toJpeg = await cli(join(dir, 'a.png'), '-o', join(dir, 'a.jpg'), '--width', '30', '--quality', '80');
    expect(toJpeg.code).toBe(0);
    const decoded = jpeg.decode(readFileSync(join(dir, 'a.jpg')), { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([30, 15]);
    const toPng = await cli(join(dir, 'b.jpeg'), '-o', join(dir, 'b.png'), '--height', '6', '--mode', 'area', '--js');
    expect(toPng.code).toBe(0);
    const png = PNG.sync.read(readFileSync(join(dir, 'b.png')));
    expect([png.width, png.height]).toEqual([8, 6]);
  });

  it('writes into an existing folder given as -o for a file input', async () => {
    const dir = freshDir();
    writePng(join(dir, 'pic.png'), 4, 4);
    mkdirSync(join(dir, 'out'));
    const run = await cli(join(dir, 'pic.png'), '-o', join(dir, 'out'), '--scale', '3', '--mode', 'nearest');
    expect(run.code).toBe(0);
    expect(PNG.sync.read(readFileSync(join(dir, 'out', 'pic.png'))).width).toBe(12);
  });

  it.each([
    ['an unknown option', ['in.png', '-o', 'o.png', '--scale', '2', '--sharpen'], /unknown option '--sharpen'/],
    ['no input', ['-o', 'o.png', '--scale', '2'], /missing the input/],
    ['two inputs', ['a.png', 'b.png', '-o', 'o.png', '--scale', '2'], /expected one input, but got 2/],
    ['no -o', ['in.png', '--scale', '2'], /missing -o <output>/],
    ['-o without a value', ['in.png', '--scale', '2', '-o'], /-o needs a value/],
    ['no size', ['in.png', '-o', 'o.png'], /give the output size/],
    ['a scale of 0', ['in.png', '-o', 'o.png', '--scale', '0'], /--scale must be a number > 0, but got '0'/],
    ['a scale that is not a number', ['in.png', '-o', 'o.png', '--scale', 'two'], /--scale must be a number > 0, but got 'two'/],
    ['a fractional width', ['in.png', '-o', 'o.png', '--width', '10.5'], /--width must be an integer >= 1, but got '10.5'/],
    ['scale and width', ['in.png', '-o', 'o.png', '--scale', '2', '--width', '3'], /not both/],
    ['an unknown mode', ['in.png', '-o', 'o.png', '--scale', '2', '--mode', 'lanczos'], /--mode must be one of .*, but got 'lanczos'/],
    ['antialias with nearest', ['in.png', '-o', 'o.png', '--scale', '2', '--mode', 'nearest', '--antialias'], /--antialias needs --mode bilinear or bicubic/],
    ['a JPEG quality of 101', ['in.png', '-o', 'o.jpg', '--scale', '2', '--quality', '101'], /--quality must be an integer from 1 to 100, but got '101'/],
  ])('exits 2 on a usage error: %s', async (_, args, message) => {
    const dir = freshDir();
    writePng(join(dir, 'in.png'), 4, 4);
    const run = await cli(...args.map((a) => (a.endsWith('.png') || a.endsWith('.jpg') ? join(dir, a) : a)));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Try 'upsample-wasm --help'/);
    expect(listing(dir)).toEqual(['in.png']);
  });

  it('converts a small file on the main thread when it is free, in a worker when large or the main thread is busy, to the same bytes', async () => {
    const dir = freshDir();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    writeJpeg(join(inputs, 'a.jpg'), 40, 30);
    writeJpeg(join(inputs, 'b.jpg'), 40, 30);
    const inWorkers = vi.spyOn(ConvertWorkers.prototype, 'convert');
    try {
      expect((await cli(join(inputs, 'a.jpg'), '-o', join(dir, 'here.jpg'), '--scale', '2')).code).toBe(0);
      expect(inWorkers).not.toHaveBeenCalled();
      const wide = Math.ceil(Math.sqrt(MAIN_THREAD_PIXELS * 4 / 3)) + 8; // an output just over the limit
      expect((await cli(join(inputs, 'a.jpg'), '-o', join(dir, 'large.jpg'), '--width', String(wide), '--threads', '1')).code).toBe(0);
      expect(inWorkers).toHaveBeenCalledTimes(1);
      // Two lanes: one converts on the main thread, so at most one of the two files goes to a worker.
      expect((await cli(inputs, '-o', join(dir, 'out'), '--scale', '2', '--threads', '2')).code).toBe(0);
      expect(inWorkers.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      inWorkers.mockRestore();
    }
    expect(readFileSync(join(dir, 'out', 'a.jpg')).equals(readFileSync(join(dir, 'here.jpg')))).toBe(true);
  });

  it('starts the costliest files of a folder first and still reports them in job order', async () => {
    const dir = freshDir();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    writeJpeg(join(inputs, 'a.jpg'), 8, 8);
    writePng(join(inputs, 'b.png'), 200, 150); // the largest file: started first
    writeJpeg(join(inputs, 'c.jpg'), 64, 48);
    const jobs = ['a.jpg', 'b.png', 'c.jpg'].map((name) => ({ input: join(inputs, name), output: join(dir, name), format: 'png' as const }));
    expect(await costliestFirst(jobs)).toEqual([1, 2, 0]);
    // One lane: files finish in the order they start (--verbose prints each as it finishes).
    const run = await cli(inputs, '-o', join(dir, 'out'), '--width', '16', '--threads', '1', '--verbose');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.includes(' -> ')).map((l) => l.slice(inputs.length + 1, inputs.length + 6))).toEqual(['b.png', 'c.jpg', 'a.jpg']);
    expect(run.files.map((f) => f.input)).toEqual(jobs.map((j) => j.input));
  });

  it('keeps WebP and AVIF files to the worker lanes and PNG to PNG files to the main lane where it can', () => {
    const job = (input: string, format: 'png' | 'jpeg' | 'webp' | 'avif') => ({ input, output: `out/${input}`, format });
    const jobs = [job('a.jpg', 'jpeg'), job('b.webp', 'webp'), job('c.png', 'webp'), job('d.png', 'png'), job('e.avif', 'jpeg'),
      job('f.png', 'jpeg'), job('g.png', 'png')];
    const queue = new JobQueue(jobs, [6, 5, 4, 3, 2, 1, 0]);
    expect(queue.take(false)?.input).toBe('g.png'); // the main lane: PNG to PNG first (it streams them)
    expect(queue.take(true)?.input).toBe('e.avif'); // a worker lane: a WebP or AVIF (in or out) first
    expect(queue.take(true)?.input).toBe('c.png');
    expect(queue.take(false)?.input).toBe('d.png');
    expect(queue.take(false)?.input).toBe('f.png'); // then the others
    expect(queue.take(true)?.input).toBe('b.webp');
    expect(queue.take(true)?.input).toBe('a.jpg'); // none of the kind wanted left: the others
    expect(queue.take(false)).toBeUndefined();
    expect(queue.take(true)).toBeUndefined();
  });

  it('starts at most --threads - 1 worker threads in a folder run of small files, the main thread converting too', async () => {
    const dir = freshDir();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    for (let i = 0; i < 8; i++) writeJpeg(join(inputs, `${i}.jpg`), 120 + 8 * i, 90);
    const started: number[] = [];
    const close = ConvertWorkers.prototype.close;
    const spy = vi.spyOn(ConvertWorkers.prototype, 'close').mockImplementation(function (this: ConvertWorkers) {
      started.push(this.started);
      return close.call(this);
    });
    try {
      for (const threads of [2, 3]) {
        const run = await cli(inputs, '-o', join(dir, `out${threads}`), '--width', '200', '--threads', String(threads));
        expect(run.code).toBe(0);
      }
    } finally {
      spy.mockRestore();
    }
    expect(started).toEqual([1, 0, 2, 0]); // each run: the worker lanes' workers, then the main lane's for files too large for it (none)
    for (let i = 0; i < 8; i++) expect(readFileSync(join(dir, 'out2', `${i}.jpg`)).equals(readFileSync(join(dir, 'out3', `${i}.jpg`)))).toBe(true);
  });

  it("sends the main lane's files too large for the main thread to a worker of their own, not behind the other lanes' files", async () => {
    const dir = freshDir();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    for (const name of ['a', 'b']) writeJpeg(join(inputs, `${name}.jpg`), 40, 30);
    const wide = Math.ceil(Math.sqrt(FOLDER_MAIN_THREAD_PIXELS * 4 / 3)) + 8; // outputs just over the folder limit
    const used = new Set<ConvertWorkers>();
    const convert = ConvertWorkers.prototype.convert;
    const spy = vi.spyOn(ConvertWorkers.prototype, 'convert').mockImplementation(function (this: ConvertWorkers, request) {
      used.add(this);
      return convert.call(this, request);
    });
    try {
      const run = await cli(inputs, '-o', join(dir, 'out'), '--width', String(wide), '--threads', '2');
      expect(run.code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(used.size).toBe(2); // both files at once, in two workers
  }, 30_000);

  it('resizes an image held whole in bands (PNG, WebP or AVIF out) to the bytes of one resizeImage call', async () => {
    const { convertImage } = await import('../src/cli/convert.js');
    const [width, height] = [40, 3000]; // 80 x 6000 out: several bands of 1 MiB
    const png = new PNG({ width, height });
    png.data = Buffer.from(rgba(width, height, 9));
    const bytes = PNG.sync.write(png);
    for (const [backend, resize] of [['wasm', resizeImage], ['js', jsResizeImage]] as const) {
      for (const mode of ['bilinear', 'bicubic'] as const) {
        const done = await convertImage({
          bytes, format: 'png', name: 'tall.png', output: 'png', target: { width: 80 }, fit: 'fill', background: [0, 0, 0, 0],
          resize: { mode }, premultiply: true, quality: 100, maxPixels: 1e8, jpegEncoder: 'fast', stripThreads: 0,
        }, backend);
        const whole = resize({ data: png.data, width, height, channels: 4 }, { width: 80, height: 6000 }, { mode, premultiplyAlpha: true });
        expect(PNG.sync.read(Buffer.from(done.bytes)).data.equals(Buffer.from(whole.data))).toBe(true);
      }
    }
  });

  it("lets the converting thread's event loop turn between JPEG strips (signals answered during a main-thread conversion)", async () => {
    const { convertImage, stripsHere } = await import('../src/cli/convert.js');
    const bytes = jpeg.encode({ data: Buffer.from(rgba(16, 600, 5, true)), width: 16, height: 600 }, 90).data;
    const request = {
      bytes, format: 'jpeg' as const, name: 'tall.jpg', output: 'jpeg' as const, target: { width: 64 }, fit: 'fill' as const,
      background: [0, 0, 0, 0] as [number, number, number, number], resize: { mode: 'bilinear' as const }, premultiply: true, quality: 90,
      maxPixels: 1e8, jpegEncoder: 'fast' as const, stripThreads: 0,
    };
    await convertImage(request, 'wasm', stripsHere); // codecs loaded: the next call awaits nothing slow
    let turns = 0;
    let ticking = true;
    const tick = () => { turns++; if (ticking) setImmediate(tick); };
    setImmediate(tick);
    const done = await convertImage(request, 'wasm', stripsHere); // 64 x 2400 out: 10 strips of 256 rows
    ticking = false;
    expect([done.outWidth, done.outHeight]).toEqual([64, 2400]);
    expect(turns).toBeGreaterThanOrEqual(4); // a turn for every strip or two (none without the yield)
  });

  it('exits 2 for an unsupported output format, 1 for a missing file or an unsupported, corrupt or truncated input', async () => {
    const dir = freshDir();
    writePng(join(dir, 'in.png'), 6, 5);
    const bmp = await cli(join(dir, 'in.png'), '-o', join(dir, 'out.bmp'), '--scale', '2');
    expect(bmp.code).toBe(2);
    expect(bmp.stderr).toMatch(/unsupported output format '.bmp'/);

    const missing = await cli(join(dir, 'nope.png'), '-o', join(dir, 'out.png'), '--scale', '2');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope.png: no such file or directory/);

    writeFileSync(join(dir, 'anim.gif'), 'GIF89a');
    const gif = await cli(join(dir, 'anim.gif'), '-o', join(dir, 'out.png'), '--scale', '2');
    expect(gif.code).toBe(1);
    expect(gif.stderr).toMatch(/anim.gif: unsupported format '.gif'/);

    writeFileSync(join(dir, 'noise.png'), Buffer.from(rgba(10, 10, 5)));
    const noise = await cli(join(dir, 'noise.png'), '-o', join(dir, 'out.png'), '--scale', '2');
    expect(noise.code).toBe(1);
    expect(noise.stderr).toMatch(/noise.png: not a PNG, JPEG, WebP or AVIF image/);

    writeFileSync(join(dir, 'cut.png'), readFileSync(join(dir, 'in.png')).subarray(0, 60));
    const cut = await cli(join(dir, 'cut.png'), '-o', join(dir, 'out.png'), '--scale', '2');
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/cut.png: cannot decode the PNG image/);

    writeFileSync(join(dir, 'cut.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
    const cutJpeg = await cli(join(dir, 'cut.jpg'), '-o', join(dir, 'out.png'), '--scale', '2');
    expect(cutJpeg.code).toBe(1);
    expect(cutJpeg.stderr).toMatch(/cut.jpg: cannot decode the JPEG image/);

    expect(listing(dir)).toEqual(['anim.gif', 'cut.jpg', 'cut.png', 'in.png', 'noise.png']); // nothing written
  });

  it('never overwrites an input, even with --force', async () => {
    const dir = freshDir();
    writePng(join(dir, 'in.png'), 5, 5);
    const before = readFileSync(join(dir, 'in.png'));
    for (const force of [[], ['--force']]) {
      const run = await cli(join(dir, 'in.png'), '-o', join(dir, '.', 'in.png'), '--scale', '2', ...force);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/in.png: refusing to overwrite an input/);
    }
    const folder = await cli(dir, '-o', dir, '--scale', '2', '--force');
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/refusing to overwrite an input/);
    expect(readFileSync(join(dir, 'in.png')).equals(before)).toBe(true);
    expect(listing(dir)).toEqual(['in.png']);
  });

  it('refuses an existing output unless --force, then replaces it', async () => {
    const dir = freshDir();
    writePng(join(dir, 'in.png'), 5, 5);
    writeFileSync(join(dir, 'out.png'), 'keep me');
    const refused = await cli(join(dir, 'in.png'), '-o', join(dir, 'out.png'), '--scale', '2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/out.png: already exists \(use --force to replace it\)/);
    expect(readFileSync(join(dir, 'out.png'), 'utf8')).toBe('keep me');
    const forced = await cli(join(dir, 'in.png'), '-o', join(dir, 'out.png'), '--scale', '2', '--force');
    expect(forced.code).toBe(0);
    expect(PNG.sync.read(readFileSync(join(dir, 'out.png'))).width).toBe(10);
    expect(listing(dir)).toEqual(['in.png', 'out.png']);
  });

  it("streams a folder's PNG to PNG files on the main thread one at a time and in workers, to the same pixels", async () => {
    const dir = freshDir();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    for (const name of ['a', 'b', 'c']) writePng(join(inputs, `${name}.png`), 300, 200, name.charCodeAt(0));
    const whole = vi.spyOn(ConvertWorkers.prototype, 'convert');
    const streamed = vi.spyOn(ConvertWorkers.prototype, 'streamPng');
    const args = ['--width', '120', '--mode', 'bilinear', '--antialias'];
    try {
      expect((await cli(inputs, '-o', join(dir, 'out'), ...args, '--threads', '2')).code).toBe(0);
      expect(whole.mock.calls.length).toBe(0); // none decoded whole
      // The worker's two lanes stream one each, the main lane the third.
      expect(streamed.mock.calls.length).toBe(2);
    } finally {
      whole.mockRestore();
      streamed.mockRestore();
    }
    for (const name of ['a', 'b', 'c']) {
      expect((await cli(join(inputs, `${name}.png`), '-o', join(dir, `${name}.png`), ...args)).code).toBe(0);
      const alone = PNG.sync.read(readFileSync(join(dir, `${name}.png`)));
      const inFolder = PNG.sync.read(readFileSync(join(dir, 'out', `${name}.png`)));
      expect([inFolder.width, inFolder.height]).toEqual([120, 80]);
      expect(inFolder.data.equals(alone.data)).toBe(true);
    }
  });

  it('processes a folder recursively, keeping its layout and formats, skipping other files', async () => {
    const dir = freshDir();
    const input = join(dir, 'in');
    mkdirSync(join(input, 'sub', 'deeper'), { recursive: true });
    writePng(join(input, 'a.png'), 8, 6);
    writeJpeg(join(input, 'sub', 'b.JPG'), 10, 4);
    writePng(join(input, 'sub', 'deeper', 'c.png'), 3, 3);
    writeFileSync(join(input, 'notes.txt'), 'not an image');
    const run = await cli(input, '-o', join(dir, 'out'), '--width', '12', '--mode', 'bilinear', '--antialias', '--verbose');
    expect(run.code).toBe(0);
    expect(listing(join(dir, 'out'))).toEqual(['a.png', 'sub/b.JPG', 'sub/deeper/c.png']);
    expect(run.files.map((f) => [f.outWidth, f.outHeight])).toEqual([[12, 9], [12, 5], [12, 12]]);
    expect(jpeg.decode(readFileSync(join(dir, 'out', 'sub', 'b.JPG'))).width).toBe(12);
    expect(run.stdout).toMatch(/3 files written/);

    // Existing outputs are all reported and nothing is written; --force replaces them.
    const again = await cli(input, '-o', join(dir, 'out'), '--width', '12');
    expect(again.code).toBe(1);
    expect(again.stderr.match(/already exists/g)).toHaveLength(3);
    expect((await cli(input, '-o', join(dir, 'out'), '--width', '12', '--force')).code).toBe(0);

    // An output folder inside the input folder is not read back as input.
    const nested = await cli(input, '-o', join(input, 'small'), '--scale', '0.5', '--mode', 'area');
    expect(nested.code).toBe(0);
    expect(listing(join(input, 'small'))).toEqual(['a.png', 'sub/b.JPG', 'sub/deeper/c.png']);
    expect(nested.files.map((f) => [f.outWidth, f.outHeight])).toEqual([[4, 3], [5, 2], [1, 1]]);
  });

  it('keeps going after a bad file in a folder, and exits 1', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'in'));
    writePng(join(dir, 'in', 'good.png'), 4, 4);
    writeFileSync(join(dir, 'in', 'bad.png'), 'not a png');
    const run = await cli(join(dir, 'in'), '-o', join(dir, 'out'), '--scale', '2');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad.png: not a PNG, JPEG, WebP or AVIF image/);
    expect(listing(join(dir, 'out'))).toEqual(['good.png']);
  });

  it('refuses a file as the output of a folder (2) and an empty folder (1)', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'file.png'), 'x');
    expect((await cli(join(dir, 'empty'), '-o', join(dir, 'file.png'), '--scale', '2')).code).toBe(2);
    const empty = await cli(join(dir, 'empty'), '-o', join(dir, 'out'), '--scale', '2');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no .png \/ .jpg \/ .jpeg \/ .webp \/ .avif files in this folder/);
  });

  it('draws a progress bar with throughput on a terminal, and nothing with --quiet', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'in'));
    writePng(join(dir, 'in', 'a.png'), 6, 6);
    writePng(join(dir, 'in', 'b.png'), 5, 7);
    const tty = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const { code } = await runCli(args, {
        stdout: { write: (t: string) => (stdout += t), isTTY: true },
        stderr: { write: (t: string) => (stderr += t), isTTY: true, columns: 120 },
      });
      return { code, stdout, stderr };
    };
    const shown = await tty(join(dir, 'in'), '-o', join(dir, 'out'), '--scale', '2');
    expect(shown.code).toBe(0);
    // Two files convert at once (--threads), so either may finish first.
    expect(shown.stderr).toMatch(/\r\[#{12}-{12}\] 1\/2 files [\d.]+ MP\/s total, [\d.]+ MP\/s [ab]\.png/);
    expect(shown.stderr).toMatch(/\r\[#{24}\] 2\/2 files .* [ab]\.png/);
    expect(shown.stdout).toMatch(/^2 files written, 0\.0 MP in [\d.]+ s \([\d.]+ MP\/s\)\n$/);
    const quiet = await tty(join(dir, 'in'), '-o', join(dir, 'out'), '--scale', '2', '--force', '--quiet');
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it("npm start's image step upsamples the shipped sample into out/ with both backends", async () => {
    const lines = await runSampleImage();
    expect(lines[0]).toMatch(/assets\/sample\.png 256x192 -> out\/sample@4x\.png 1024x768/);
    expect(lines[1]).toMatch(/WebAssembly: [\d.]+ ms .*plain JS: [\d.]+ ms/);
    for (const name of ['sample@4x.png', 'sample@4x-js.png']) {
      const png = PNG.sync.read(readFileSync(new URL(`../out/${name}`, import.meta.url)));
      expect([png.width, png.height]).toEqual([1024, 768]);
    }
  }, 30_000);

  it('runs as the built bin with a shebang and exit codes', async () => {
    const bin = new URL('../dist/cli.js', import.meta.url);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.bin['upsample-wasm']).toBe('./dist/cli.js');
    const dir = freshDir();
    writePng(join(dir, 'in.png'), 6, 4);
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin.pathname, join(dir, 'in.png'), '-o', join(dir, 'o.png'), '--scale', '2']);
    expect(ok.stdout).toBe('');
    expect(existsSync(join(dir, 'o.png'))).toBe(true);
    await expect(run(process.execPath, [bin.pathname, '--scale', 'x'])).rejects.toMatchObject({ code: 2 });
  });
});
