// The demo page (`npm run demo`): every panel of demo/panels.ts on the chosen backend beside the
// plain-JS time for the same work, a backend toggle, and a live throughput readout. The page
// imports the package by name; demo/index.html maps the name to /dist/index.js.

import * as up from 'upsample-wasm';
import type { Tensor } from 'upsample-wasm';
import { loadPillowReference, pillowRow } from './pillow.js';
import { centreCrop, CROP_SIZE, PANELS, sampleImage, SAMPLE_SIZE, toRgba, toTensor, type Library, type Panel, type Rgba } from './panels.js';

type BackendChoice = 'simd' | 'scalar' | 'js';

const wasmLib: Library = { ops: up, bilinearUpsampleWeights: up.bilinearUpsampleWeights };
const jsLib: Library = { ops: up.js, bilinearUpsampleWeights: up.bilinearUpsampleWeights };

const state = {
  backend: 'simd' as BackendChoice,
  build: '',
  factor: 2,
  image: sampleImage(),
  imageName: 'built-in sample (drawn in code)',
};

const $ = <T extends HTMLElement>(selector: string): T => document.querySelector(selector) as T;

/**
 * Milliseconds of one call of `fn`: the best of several batches of at least ~3 ms each (batches,
 * because browsers coarsen performance.now(); the best, because the demo shares the machine).
 */
function time(fn: () => void): number {
  fn();
  let batch = 1;
  for (let t = performance.now(); performance.now() - t < 3; batch++) fn();
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn();
    best = Math.min(best, (performance.now() - t) / batch);
  }
  return best;
}

const format = (ms: number): string => (ms < 1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

function draw(canvas: HTMLCanvasElement, image: Rgba): void {
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
}

function lib(): Library {
  return state.backend === 'js' ? jsLib : wasmLib;
}

function backendLabel(): string {
  return state.backend === 'js' ? 'plain JS' : `wasm ${state.build}`;
}

function sources(): { full: Tensor; crop: Tensor } {
  const full = toTensor(state.image);
  const crop = centreCrop(full, Math.min(CROP_SIZE, state.image.width, state.image.height));
  return { full, crop };
}

function card(panel: Pick<Panel, 'id' | 'title' | 'note'>, row: HTMLElement): HTMLElement {
  const el = document.createElement('figure');
  el.className = 'panel';
  el.dataset.panel = panel.id;
  el.innerHTML = '<canvas></canvas><figcaption><b></b><span class="note"></span><span class="time"></span></figcaption>';
  el.querySelector('b')!.textContent = panel.title;
  el.querySelector('.note')!.textContent = panel.note;
  row.append(el);
  return el;
}

/** Runs and times every panel on the chosen backend and on plain JS, and draws the results. */
async function render(): Promise<void> {
  document.body.dataset.state = 'busy';
  const f = state.factor;
  const { full, crop } = sources();
  const upRow = $('#row-up');
  const downRow = $('#row-down');
  upRow.replaceChildren();
  downRow.replaceChildren();
  const cropCard = card({ id: 'source-crop', title: `source: centre ${crop.shape[3]}x${crop.shape[2]}`, note: state.imageName }, upRow);
  draw(cropCard.querySelector('canvas')!, toRgba(crop));
  const fullCard = card({ id: 'source-full', title: `source: ${full.shape[3]}x${full.shape[2]}`, note: state.imageName }, downRow);
  draw(fullCard.querySelector('canvas')!, state.image);
  $('#up-title').textContent = `Upsampling the centre crop x${f}`;
  $('#down-title').textContent = `Downsampling the whole picture by ${f}`;

  for (const panel of PANELS) {
    const el = card(panel, panel.source === 'crop' ? upRow : downRow);
    const x = panel.source === 'crop' ? crop : full;
    // Let the page paint between panels.
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      const result = panel.run(lib(), x, f);
      draw(el.querySelector('canvas')!, toRgba(result));
      el.dataset.shape = result.shape.join('x');
      const out = { data: new Float32Array(result.data.length), shape: result.shape };
      const ms = time(() => panel.run(lib(), x, f, out));
      const jsMs = state.backend === 'js' ? ms : time(() => panel.run(jsLib, x, f, out));
      el.querySelector('.time')!.textContent = state.backend === 'js'
        ? `${result.shape[3]}x${result.shape[2]} · plain JS ${format(ms)} ms`
        : `${result.shape[3]}x${result.shape[2]} · ${backendLabel()} ${format(ms)} ms · plain JS ${format(jsMs)} ms (${(jsMs / ms).toFixed(1)}x)`;
    } catch (error) {
      el.classList.add('failed');
      el.querySelector('.time')!.textContent = String(error);
    }
  }
  await renderPillow();
  document.body.dataset.state = 'ready';
}

let pillowReference: Rgba | undefined;

/** The Pillow row: Pillow's precomputed result, ours live on the chosen backend, the differences. */
async function renderPillow(): Promise<void> {
  const row = $('#row-pillow');
  row.replaceChildren();
  try {
    pillowReference ??= await loadPillowReference();
    for (const item of pillowRow(lib().ops, pillowReference)) {
      const el = card(item, row);
      draw(el.querySelector('canvas')!, item.image);
      if (item.differing !== undefined) el.dataset.differing = String(item.differing);
      el.querySelector('.time')!.textContent = `${item.image.width}x${item.image.height}`;
    }
  } catch (error) {
    row.textContent = `Pillow row: ${String(error)}`;
  }
}

// ---- live throughput: bilinear x factor on the whole picture, as many calls as fit in ~12 ms a frame ----

let live = { calls: 0, pixels: 0, since: performance.now() };
let liveInput: Tensor | undefined;
let liveOut: Tensor | undefined;

function liveFrame(): void {
  if ($<HTMLInputElement>('#live').checked && document.body.dataset.state === 'ready') {
    const ops = lib().ops;
    liveInput ??= toTensor(state.image);
    const options = { scaleFactor: state.factor, mode: 'bilinear' as const };
    liveOut ??= ops.interpolate(liveInput, options);
    const start = performance.now();
    do {
      ops.interpolate(liveInput, { ...options, out: liveOut });
      live.calls++;
      live.pixels += liveOut.shape[2] * liveOut.shape[3];
    } while (performance.now() - start < 12);
    const elapsed = performance.now() - live.since;
    if (elapsed > 500) {
      const [, c, h, w] = liveOut.shape;
      $('#throughput').textContent = `live: bilinear x${state.factor}, ${liveInput.shape[3]}x${liveInput.shape[2]} -> ${w}x${h}, `
        + `${c} channels, on ${backendLabel()}: ${(live.calls * 1000 / elapsed).toFixed(0)} calls/s, `
        + `${(live.pixels / elapsed / 1000).toFixed(1)} Mpx/s`;
      live = { calls: 0, pixels: 0, since: performance.now() };
    }
  } else {
    live = { calls: 0, pixels: 0, since: performance.now() };
  }
  requestAnimationFrame(liveFrame);
}

function resetLive(): void {
  liveInput = undefined;
  liveOut = undefined;
  live = { calls: 0, pixels: 0, since: performance.now() };
  $('#throughput').textContent = 'live: measuring...';
}

// ---- controls ----

async function chooseBackend(choice: BackendChoice): Promise<void> {
  state.backend = choice;
  if (choice !== 'js') {
    const info = await up.init(choice === 'scalar' ? { simd: false } : {});
    state.build = info.build ?? (info.simd ? 'simd' : 'scalar');
  }
  $('#backend-info').textContent = choice === 'js' ? 'plain JavaScript, no WebAssembly'
    : `WebAssembly build: ${state.build} (engine SIMD: ${up.backendInfo()!.engineSimd ? 'yes' : 'no'})`;
  resetLive();
  await render();
}

/** Draws a picked or dropped file into at most SAMPLE_SIZE x SAMPLE_SIZE and makes it the source. */
async function loadFile(file: File): Promise<void> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, SAMPLE_SIZE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0, width, height);
  state.image = { data: context.getImageData(0, 0, width, height).data, width, height };
  state.imageName = file.name;
  resetLive();
  await render();
}

async function main(): Promise<void> {
  document.querySelectorAll<HTMLInputElement>('input[name=backend]').forEach((radio) => {
    radio.addEventListener('change', () => void chooseBackend(radio.value as BackendChoice));
  });
  $<HTMLSelectElement>('#factor').addEventListener('change', (e) => {
    state.factor = Number((e.target as HTMLSelectElement).value);
    resetLive();
    void render();
  });
  $<HTMLInputElement>('#file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void loadFile(file);
  });
  $('#sample').addEventListener('click', () => {
    state.image = sampleImage();
    state.imageName = 'built-in sample (drawn in code)';
    resetLive();
    void render();
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void loadFile(file);
  });
  await chooseBackend('simd');
  requestAnimationFrame(liveFrame);
}

main().catch((error) => {
  document.body.dataset.state = 'failed';
  $('#backend-info').textContent = `failed to start: ${error}`;
});
