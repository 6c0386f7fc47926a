// The peer in bench/cli.bench.js: what a sharp user writes for the same jobs.
// node bench/cli-sharp.mjs <input file or folder> <output file or folder> <json: { scale } | { width }, kernel, antialias? >
// SHARP_CONCURRENCY=1: sharp.concurrency(1) and one file at a time; otherwise sharp's defaults and every file at once.

import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const [input, output, spec] = process.argv.slice(2);
const { scale, width, kernel, quality } = JSON.parse(spec);
const single = process.env.SHARP_CONCURRENCY === '1';
if (single) sharp.concurrency(1);

async function one(from, to) {
  const image = sharp(from);
  let size = { width };
  if (scale) {
    const { width: w, height: h, orientation } = await image.metadata();
    const upright = orientation >= 5;
    size = { width: Math.floor((upright ? h : w) * scale), height: Math.floor((upright ? w : h) * scale) };
  }
  let pipeline = image.rotate().resize({ ...size, kernel });
  if (/\.jpe?g$/i.test(to)) pipeline = pipeline.jpeg({ quality: quality.jpeg });
  else if (/\.webp$/i.test(to)) pipeline = pipeline.webp({ quality: quality.webp });
  await pipeline.toFile(to);
}

if (statSync(input).isDirectory()) {
  mkdirSync(output, { recursive: true });
  const files = readdirSync(input).sort();
  if (single) for (const f of files) await one(join(input, f), join(output, f));
  else await Promise.all(files.map((f) => one(join(input, f), join(output, f))));
} else {
  await one(input, output);
}
