// Quality of the command's own WebP encoder against libwebp's (@jsquash/webp, method 4) at the
// same `quality` settings: each photo resized to 800 wide (sharp, linear), encoded by both, decoded
// by libwebp, compared with the resized source: file size, PSNR (RGB) and SSIM (luma, 8x8 windows
// every 4 pixels); then BD-rate over the qualities (mean log-size difference at equal PSNR / SSIM,
// piecewise-linear curves; negative: ours needs fewer bytes).
// Run: `npm run build && node bench/webp-encoder-quality.mjs [file,file...] [q,q...]`
// (BENCH_PHOTOS=<dir>; default: out/bench-cli/photos from `npm run bench:cli`).

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeWebpLossy } from '../dist/cli/webp-encoder.js';
import { benchPhotosDir } from './common.js';

const here = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const enc = await import('@jsquash/webp/encode.js');
const dec = await import('@jsquash/webp/decode.js');
const compile = (f) => WebAssembly.compile(readFileSync(require.resolve(f)));
await enc.init(await compile('@jsquash/webp/codec/enc/webp_enc_simd.wasm'));
await dec.init(await compile('@jsquash/webp/codec/dec/webp_dec.wasm'));
const dir = benchPhotosDir();
const files = process.argv[2] ? process.argv[2].split(',') : readdirSync(dir);
const qs = process.argv[3] ? process.argv[3].split(',').map(Number) : [50, 80, 90];
function luma(d, i) { return 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]; }
function metrics(a, b, w, h) {
  let se = 0;
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3) { const d = a[i] - b[i]; se += d * d; }
  const psnr = 10 * Math.log10(255 * 255 / (se / (w * h * 3)));
  // SSIM on luma, 8x8 windows stride 4
  const C1 = (0.01 * 255) ** 2, C2 = (0.03 * 255) ** 2; let s = 0, n = 0;
  for (let y = 0; y + 8 <= h; y += 4) for (let x = 0; x + 8 <= w; x += 4) {
    let ma = 0, mb = 0, va = 0, vb = 0, cv = 0;
    for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) { const k = 4 * ((y + j) * w + x + i); const p = luma(a, k), q = luma(b, k); ma += p; mb += q; va += p * p; vb += q * q; cv += p * q; }
    ma /= 64; mb /= 64; va = va / 64 - ma * ma; vb = vb / 64 - mb * mb; cv = cv / 64 - ma * mb;
    s += ((2 * ma * mb + C1) * (2 * cv + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2)); n++;
  }
  return { psnr, ssim: s / n };
}
const rows = [];
const curves = {};
const tot = {};
for (const f of files) {
  const { data, info } = await sharp(`${dir}/${f}`).resize({ width: 800, kernel: 'linear' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const img = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, colorSpace: 'srgb' };
  for (const q of qs) {
    const theirs = new Uint8Array(await enc.default(img, { quality: q }));
    const ours = await encodeWebpLossy({ data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height }, q);
    const dt = await dec.default(theirs.slice().buffer), dou = await dec.default(ours.slice().buffer);
    const mt = metrics(data, dt.data, info.width, info.height), mo = metrics(data, dou.data, info.width, info.height);
    rows.push(`${f.padEnd(24)} q${q} libwebp ${theirs.length} ${mt.psnr.toFixed(2)} ${mt.ssim.toFixed(4)} | fast ${ours.length} ${mo.psnr.toFixed(2)} ${mo.ssim.toFixed(4)} | size ${(ours.length / theirs.length).toFixed(3)} dPSNR ${(mo.psnr - mt.psnr).toFixed(2)}`);
    (curves[f] ??= []).push({ q, lr: Math.log(theirs.length), lp: mt.psnr, ls: mt.ssim, or: Math.log(ours.length), op: mo.psnr, os: mo.ssim });
    const t = tot[q] ??= { sl: 0, so: 0, pl: 0, po: 0, n: 0 };
    t.sl += theirs.length; t.so += ours.length; t.pl += mt.psnr; t.po += mo.psnr; t.n++;
  }
}
console.log(rows.join('\n'));
for (const q of qs) { const t = tot[q]; console.log(`q${q}: size ratio ${(t.so / t.sl).toFixed(3)} mean PSNR libwebp ${(t.pl / t.n).toFixed(2)} fast ${(t.po / t.n).toFixed(2)}`); }

// BD-rate: mean log-rate difference over the overlapping metric range, piecewise-linear curves.
function interp(pts, x) { for (let i = 0; i + 1 < pts.length; i++) { const [x0, y0] = pts[i], [x1, y1] = pts[i + 1]; if (x >= x0 && x <= x1) return y0 + (y1 - y0) * (x - x0) / (x1 - x0); } return NaN; }
function bd(c, m) {
  const a = c.map((p) => [p['l' + m], p.lr]).sort((x, y) => x[0] - y[0]);
  const b = c.map((p) => [p['o' + m], p.or]).sort((x, y) => x[0] - y[0]);
  const lo = Math.max(a[0][0], b[0][0]), hi = Math.min(a[a.length - 1][0], b[b.length - 1][0]);
  if (!(hi > lo)) return NaN;
  let s = 0; const N = 200;
  for (let i = 0; i <= N; i++) { const x = lo + (hi - lo) * i / N; s += interp(b, x) - interp(a, x); }
  return (Math.exp(s / (N + 1)) - 1) * 100;
}
let sp = 0, ss = 0, n = 0;
for (const f of Object.keys(curves)) { const p = bd(curves[f], 'p'), q = bd(curves[f], 's'); console.log(`BD-rate ${f}: PSNR ${p.toFixed(1)}% SSIM ${q.toFixed(1)}%`); if (!isNaN(p) && !isNaN(q)) { sp += p; ss += q; n++; } }
console.log(`BD-rate mean over ${n} images: PSNR ${(sp / n).toFixed(1)}% SSIM ${(ss / n).toFixed(1)}% (negative: fast needs fewer bytes)`);
