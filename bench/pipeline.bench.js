// W6 and W7 (#17): model pipelines around the model. Run with `npm run bench:pipeline`.
//
// W6 preprocessing: a 1920x1080 RGBA photo -> 640x640 letterboxed (pad 114), rescaled by 1/255,
//    NCHW float32 RGB: imageToTensor against resizeImage + a JS letterbox/normalise loop, sharp
//    (resize with fit contain + raw output + the JS loop, concurrency 1) and opencv.js (copy in,
//    cvtColor, resize, copyMakeBorder, blobFromImage, copy out).
// W7 masks: 3 masks 256x256 -> 1024x1024 > 0, and 21 classes 128x128 -> 512x512 argmax, bilinear:
//    the fused upsampleThreshold / upsampleArgmax against the composition (interpolate, then a JS
//    loop) and opencv.js (cv.resize a plane at a time + the JS loop).
// transformers.js: its interpolate_4d (onnxruntime-node, its default threads) against
//    upsample-wasm/transformers on the same Tensor.
// Each peer computes its own library's resize (sharp and OpenCV antialias/round differently), so
// this compares time for the same sizes, not results; the composition rows are exactly ours.

import { loadavg } from 'node:os';
import * as up from '../dist/index.js';
import { loadSharp, measure, randomTensor, save, table } from './common.js';
import { writePipelineChart } from './pipeline-chart.js';

const sharp = await loadSharp();
let cv;
try {
  cv = (await import('@techstark/opencv-js')).default;
  if (cv instanceof Promise) cv = await cv;
  else if (!cv.Mat) await new Promise((resolve) => { cv.onRuntimeInitialized = resolve; });
} catch (error) {
  console.warn(`opencv.js unavailable (${error.message})`);
  cv = undefined;
}

function photo(width, height) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = 128 + 100 * Math.sin(x * 0.05) * Math.cos(y * 0.07);
      data[i + 3] = 255;
    }
  }
  return { data, width, height, channels: 4 };
}

/** An honest JS letterbox + normalise: HWC bytes (`C` channels) into NCHW float32, padding rows and columns. */
function normaliseInto(bytes, C, w, h, out, W, H, top, left, padValue, rescale) {
  const plane = W * H;
  const pad = padValue * rescale;
  out.fill(pad);
  for (let y = 0; y < h; y++) {
    let s = y * w * C;
    let d = (top + y) * W + left;
    for (let x = 0; x < w; x++, s += C, d++) {
      out[d] = bytes[s] * rescale;
      out[d + plane] = bytes[s + 1] * rescale;
      out[d + 2 * plane] = bytes[s + 2] * rescale;
    }
  }
}

async function w6() {
  const image = photo(1920, 1080);
  const size = [640, 640];
  const options = { size, fit: 'contain', padValue: 114, rescale: 1 / 255 };
  const out = { data: new Float32Array(3 * 640 * 640), shape: [1, 3, 640, 640] };
  const { padding } = up.imageToTensor(image, options);
  const innerH = 640 - padding.top - padding.bottom;
  const resizedOut = new Uint8ClampedArray(640 * innerH * 4);
  const tasks = [
    { name: 'roofline: fill the tensor', fn: () => out.data.fill(0.5) },
    { name: 'imageToTensor (wasm simd) with out', fn: () => up.imageToTensor(image, { ...options, out }) },
    { name: 'imageToTensor (wasm simd)', fn: () => up.imageToTensor(image, options) },
    { name: 'imageToTensor (js) with out', fn: () => up.js.imageToTensor(image, { ...options, out }) },
    {
      name: 'resizeImage (wasm simd) + JS normalise',
      fn: () => {
        up.resizeImage(image, { width: 640, height: innerH }, { premultiplyAlpha: false, out: resizedOut });
        normaliseInto(resizedOut, 4, 640, innerH, out.data, 640, 640, padding.top, 0, 114, 1 / 255);
      },
    },
  ];
  if (sharp) {
    tasks.push({
      name: 'sharp resize contain + raw + JS normalise (1 thread)',
      fn: async () => {
        const raw = await sharp(Buffer.from(image.data.buffer), { raw: { width: 1920, height: 1080, channels: 4 } })
          .removeAlpha().resize(640, 640, { fit: 'contain', kernel: 'linear', background: { r: 114, g: 114, b: 114 } }).raw().toBuffer();
        normaliseInto(raw, 3, 640, 640, out.data, 640, 640, 0, 0, 114, 1 / 255);
      },
    });
  }
  if (cv) {
    const src = new cv.Mat(1080, 1920, cv.CV_8UC4);
    const rgb = new cv.Mat();
    const resized = new cv.Mat();
    const boxed = new cv.Mat();
    const dsize = new cv.Size(640, innerH);
    const border = new cv.Scalar(114, 114, 114, 255);
    tasks.push({
      name: 'opencv.js cvtColor + resize + copyMakeBorder + blobFromImage',
      fn: () => {
        src.data.set(image.data);
        cv.cvtColor(src, rgb, cv.COLOR_RGBA2RGB);
        cv.resize(rgb, resized, dsize, 0, 0, cv.INTER_LINEAR);
        cv.copyMakeBorder(resized, boxed, padding.top, padding.bottom, 0, 0, cv.BORDER_CONSTANT, border);
        const blob = cv.blobFromImage(boxed, 1 / 255, new cv.Size(640, 640), new cv.Scalar(0, 0, 0), false, false);
        out.data.set(blob.data32F);
        blob.delete();
      },
    });
  }
  return tasks;
}

/** argmax over K of (1, K, H, W), first maximum. */
function argmaxInto(scores, K, labels) {
  const n = labels.length;
  labels.fill(0);
  const best = scores.slice(0, n);
  for (let k = 1; k < K; k++) {
    const base = k * n;
    for (let i = 0; i < n; i++) {
      const v = scores[base + i];
      if (v > best[i]) { best[i] = v; labels[i] = k; }
    }
  }
}

function thresholdInto(values, _planes, masks) {
  for (let i = 0; i < values.length; i++) masks[i] = values[i] > 0 ? 255 : 0;
}

/**
 * One W7 workload: `fused` (the package's op name) on logits `shape` -> `size`, against the
 * composition (interpolate, then `reduce` in JS) and opencv.js (cv.resize a plane at a time,
 * then `reduce`); `reduce(values, planes, out)` writes `out`.
 */
function w7({ fused, what, shape, size, reduce, out }) {
  const [, planes, h, w] = shape;
  const logits = randomTensor(shape, planes);
  const options = { size };
  const n = size[0] * size[1];
  const upsampled = { data: new Float32Array(planes * n), shape: [1, planes, ...size] };
  const tasks = [
    { name: `${fused} (wasm simd)`, fn: () => up[fused](logits, options) },
    { name: `${fused} (js)`, fn: () => up.js[fused](logits, options) },
    {
      name: `interpolate (wasm simd) with out + JS ${what}`,
      fn: () => { up.interpolate(logits, { ...options, mode: 'bilinear', out: upsampled }); reduce(upsampled.data, planes, out); },
    },
    {
      name: `js.interpolate with out + JS ${what}`,
      fn: () => { up.js.interpolate(logits, { ...options, mode: 'bilinear', out: upsampled }); reduce(upsampled.data, planes, out); },
    },
  ];
  if (cv) {
    const src = new cv.Mat(h, w, cv.CV_32F);
    const dst = new cv.Mat();
    tasks.push({
      name: `opencv.js resize per plane + JS ${what}`,
      fn: () => {
        for (let k = 0; k < planes; k++) {
          src.data32F.set(logits.data.subarray(k * h * w, (k + 1) * h * w));
          cv.resize(src, dst, new cv.Size(size[1], size[0]), 0, 0, cv.INTER_LINEAR);
          upsampled.data.set(dst.data32F, k * n);
        }
        reduce(upsampled.data, planes, out);
      },
    });
  }
  return tasks;
}

/** transformers.js's interpolate_4d (its ONNX Resize in onnxruntime-node) against upsample-wasm/transformers on the same Tensor. */
async function transformersTasks() {
  let tjs;
  try {
    tjs = await import('@huggingface/transformers');
  } catch (error) {
    console.warn(`transformers.js unavailable (${error.message})`);
    return [];
  }
  const adapter = await import('../dist/transformers.js');
  const x = randomTensor([1, 21, 128, 128], 5);
  const input = new tjs.Tensor('float32', x.data, x.shape);
  const options = { size: [512, 512], mode: 'bilinear' };
  return [
    { name: 'upsample-wasm/transformers interpolate_4d', fn: () => adapter.interpolate_4d(input, options) },
    { name: 'transformers.js interpolate_4d (onnxruntime)', fn: () => tjs.interpolate_4d(input, options) },
  ];
}

function ratioNote(rows, ours, others) {
  const get = (name, stat = 'median') => rows.find((r) => r.name === name)?.[stat];
  // On a loaded machine peers' medians stretch more than short calls': the fastest samples' ratio beside them.
  const byMin = (o) => (get(o, 'min') / get(ours, 'min')).toFixed(1);
  return others.filter((o) => get(o) !== undefined).map((o) => `${o}: ${(get(o) / get(ours)).toFixed(1)}x ${ours}'s time (by minimums ${byMin(o)}x)`).join('; ') + '.';
}

export async function benchPipeline() {
  await up.init({ simd: true });
  const sections = [];
  const workloads = [
    { title: 'W6 RGBA 1920x1080 -> 640x640 letterboxed NCHW float32 (bilinear, pad 114, /255)', tasks: await w6(),
      baseline: 'imageToTensor (wasm simd) with out' },
    { title: 'W7a 3 masks [1,3,256,256] -> 1024x1024 bilinear > 0', baseline: 'upsampleThreshold (wasm simd)',
      tasks: w7({ fused: 'upsampleThreshold', what: 'threshold', shape: [1, 3, 256, 256], size: [1024, 1024], reduce: thresholdInto, out: new Uint8Array(3 * 1024 * 1024) }) },
    { title: 'W7b 21 classes [1,21,128,128] -> 512x512 bilinear argmax', baseline: 'upsampleArgmax (wasm simd)',
      tasks: w7({ fused: 'upsampleArgmax', what: 'argmax', shape: [1, 21, 128, 128], size: [512, 512], reduce: argmaxInto, out: new Uint8Array(512 * 512) }) },
    { title: 'transformers.js interpolate_4d [1,21,128,128] -> 512x512 bilinear', tasks: await transformersTasks(),
      baseline: 'upsample-wasm/transformers interpolate_4d' },
  ].filter((w) => w.tasks.length > 0);
  for (const w of workloads) {
    const rows = await measure(w.tasks);
    const note = ratioNote(rows, w.baseline, rows.map((r) => r.name).filter((name) => name !== w.baseline && !name.startsWith('roofline')));
    sections.push({ title: w.title, rows, baseline: w.baseline, note });
    console.log(`\n${w.title}\n${note}\n${table(rows, w.baseline)}`);
  }
  save('pipeline', sections, `Single thread (sharp concurrency 1; opencv.js is single-threaded). Load average ${loadavg()[0].toFixed(1)} on 2 cores at the end (a machine shared with other jobs).`);
  writePipelineChart();
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPipeline();
