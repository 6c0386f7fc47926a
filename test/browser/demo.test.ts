// The demo page (`npm run demo`) in headless Chromium: every panel renders, its pixels equal the
// library run in Node on the same input (demo/panels.ts shared by both), the backend toggle and
// the factor work, and a screenshot lands in test/artifacts/demo.png for a person to look at.

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo } from '../../scripts/demo.mjs';
import * as up from '../../src/index.js';
import { centreCrop, PANELS, sampleImage, toRgba, toTensor, type Library } from '../../demo/panels.js';
import { launchChromium, type Browser } from './chromium.js';

const ARTIFACTS = new URL('../artifacts/', import.meta.url);

let demo: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  await up.init({ simd: true });
  demo = await startDemo({ port: 0 });
  browser = await launchChromium();
  ({ page, errors } = await browser.open(demo.url));
  await page.setViewportSize({ width: 1400, height: 900 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function ready(): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'failed',
    undefined, { timeout: 30_000 });
  expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
}

/** The RGBA bytes a panel's canvas shows (sent as base64: a JSON array of bytes is slow). */
async function pixels(id: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const shown = await page.evaluate((panel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-panel="${panel}"] canvas`)!;
    const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let text = '';
    for (let i = 0; i < image.data.length; i += 0x8000) text += String.fromCharCode(...image.data.subarray(i, i + 0x8000));
    return { width: image.width, height: image.height, data: btoa(text) };
  }, id);
  return { ...shown, data: new Uint8Array(Buffer.from(shown.data, 'base64')) };
}

/** Largest byte difference between a panel on the page and the same panel computed in Node. */
async function worstDifference(id: string, factor: number, lib: Library): Promise<number> {
  const panel = PANELS.find((p) => p.id === id)!;
  const full = toTensor(sampleImage());
  const expected = toRgba(panel.run(lib, panel.source === 'crop' ? centreCrop(full) : full, factor));
  const shown = await pixels(id);
  expect([shown.width, shown.height]).toEqual([expected.width, expected.height]);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(shown.data[i] - expected.data[i]));
  return worst;
}

const wasmLib: Library = { ops: up, bilinearUpsampleWeights: up.bilinearUpsampleWeights };
const jsLib: Library = { ops: up.js, bilinearUpsampleWeights: up.bilinearUpsampleWeights };

describe('demo page', () => {
  it('shows the built-in sample and every panel, each timed beside plain JS', async () => {
    await ready();
    expect(await page.textContent('#backend-info')).toContain('WebAssembly build: relaxed');
    const source = await pixels('source-full');
    expect(Buffer.from(source.data).equals(Buffer.from(sampleImage().data))).toBe(true);
    for (const panel of PANELS) {
      const card = page.locator(`[data-panel="${panel.id}"]`);
      expect(await card.getAttribute('class')).toBe('panel');
      expect(await card.locator('.time').textContent()).toMatch(/wasm relaxed [\d.]+ ms · plain JS [\d.]+ ms/);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('demo.png', ARTIFACTS).pathname, fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows a live throughput readout, which can be paused', async () => {
    await page.waitForFunction(() => /Mpx\/s/.test(document.querySelector('#throughput')!.textContent!), undefined, { timeout: 15_000 });
    expect(await page.textContent('#throughput')).toMatch(/on wasm relaxed: \d+ calls\/s, [\d.]+ Mpx\/s/);
    await page.uncheck('#live'); // the rest of the test needs the page's main thread
  }, 30_000);

  it('panel pixels equal the library run in Node on the same input (factor 2)', async () => {
    // Node runs the SIMD build, the page the relaxed-SIMD one: a float may round to the other byte.
    for (const panel of PANELS) expect(await worstDifference(panel.id, 2, wasmLib), panel.id).toBeLessThanOrEqual(1);
    // ...nearest is a pure copy, so exact; the checkerboard panel really differs from the bilinear one.
    expect(await worstDifference('nearest', 2, wasmLib)).toBe(0);
    const a = await pixels('convt-random');
    const b = await pixels('convt-bilinear');
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(false);
  }, 60_000);

  it("shows Pillow's picture, ours with convention 'pillow' (equal bytes) and the differences", async () => {
    expect(await page.locator('[data-panel="pillow-diff"]').getAttribute('data-differing')).toBe('0');
    expect(Number(await page.locator('[data-panel="pytorch-diff"]').getAttribute('data-differing'))).toBeGreaterThan(1000);
    const reference = await pixels('pillow-reference');
    const ours = await pixels('pillow-ours');
    expect([ours.width, ours.height]).toEqual([112, 112]);
    expect(Buffer.from(ours.data).equals(Buffer.from(reference.data))).toBe(true);
  });

  it('switches to the scalar and plain-JS backends and to factor 3', async () => {
    await page.check('input[value=scalar]');
    await page.waitForFunction(() => document.querySelector('#backend-info')!.textContent!.includes('scalar'));
    await ready();
    expect(await page.locator('[data-panel="bicubic"] .time').textContent()).toMatch(/wasm scalar [\d.]+ ms/);
    expect(await worstDifference('bicubic', 2, wasmLib)).toBeLessThanOrEqual(1);

    await page.check('input[value=js]');
    await page.waitForFunction(() => document.querySelector('#backend-info')!.textContent!.includes('plain JavaScript'));
    await ready();
    await page.selectOption('#factor', '3');
    await page.waitForFunction(() => document.querySelector('[data-panel="bilinear"]')?.getAttribute('data-shape') === '1x3x192x192');
    await ready();
    expect(await page.locator('[data-panel="bilinear"] .time').textContent()).toMatch(/^192x192 · plain JS [\d.]+ ms$/);
    for (const id of ['bilinear', 'convt-bilinear', 'down-antialias']) expect(await worstDifference(id, 3, jsLib), id).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
  }, 90_000);

  it('takes a picked image (scaled to fit 256 px) as the new source', async () => {
    // Any PNG will do: a screenshot of part of the page, 400x300.
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 400, height: 300 } });
    await page.setInputFiles('#file', { name: 'picked.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() => document.querySelector('[data-panel="source-full"] .note')?.textContent === 'picked.png');
    await ready();
    const source = await pixels('source-full');
    expect([source.width, source.height]).toEqual([256, 192]);
    expect(await page.locator('[data-panel="down-area"]').getAttribute('data-shape')).toBe('1x3x64x85');
    expect(await page.locator('[data-panel="bilinear"]').getAttribute('data-shape')).toBe('1x3x192x192');
    expect(errors).toEqual([]);
  }, 60_000);
});
