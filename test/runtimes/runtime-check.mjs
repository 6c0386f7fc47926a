// Runs inside Deno, Bun (or Node) against the built package, driven by test/runtimes/js-runtimes.test.ts:
// the seed examples, the PyTorch fixtures (test/browser/fixture-runner.js, as in the browsers) on
// every build the engine validates, and the pool (2 threads) against the synchronous API.
// Prints one JSON line. Arguments: the package entry (a path or a specifier such as
// npm:upsample-wasm), then the number of fixture cases per family (0: all). UPSAMPLE_POOL_AGREEMENT
// holds test/helpers.ts's POOL_AGREEMENT (the code that counts pool results differing from the sync API);
// UPSAMPLE_DELETE_SAB=1 deletes globalThis.SharedArrayBuffer before the package is imported.

const ROOT = new URL('../../', import.meta.url);
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const entryArg = args[0] ?? 'dist/index.js';
const entry = /^[a-z]+:/.test(entryArg) ? entryArg : new URL(entryArg, ROOT).href;
const limit = Number(args[1] ?? 0) || Infinity;

// UPSAMPLE_DELETE_SAB=1: as an edge runtime without threads, no SharedArrayBuffer before the import.
const deletedSab = env('UPSAMPLE_DELETE_SAB') === '1' && delete globalThis.SharedArrayBuffer;

const up = await import(entry);
const { SEED_BILINEAR_EXPECTED, seedBilinear } = await import(new URL('dist/demo/interpolate.js', ROOT).href);
const { seedConvTransposeMatches } = await import(new URL('dist/demo/conv.js', ROOT).href);
const { runFixtures } = await import(new URL('test/browser/fixture-runner.js', ROOT).href);

const info = await up.init();
const validated = ['relaxed', 'simd', 'scalar'].filter((b) => b === 'scalar' || (b === 'simd' && info.engineSimd)
  || (b === 'relaxed' && info.engineSimd && info.engineRelaxedSimd));

const seedRows = (t) => Array.from({ length: 8 }, (_, r) => Array.from(t.data.subarray(r * 8, r * 8 + 8)));
const seed = {
  bilinear: JSON.stringify(seedRows(seedBilinear(up))) === JSON.stringify(SEED_BILINEAR_EXPECTED),
  convTranspose: seedConvTransposeMatches(up),
};

const fixtures = {};
for (const build of validated) {
  const report = await runFixtures({ entry, initOptions: { build }, families: ['interpolate', 'conv'], limit,
    fixturesUrl: new URL('test/fixtures/', ROOT).href });
  fixtures[build] = { build: report.info.build, counts: report.counts, failures: report.failures };
}
await up.init();

let pool;
try {
  const p = await up.createPool({ threads: 2 });
  const AsyncFunction = (async () => {}).constructor;
  const differ = await new AsyncFunction('up', 'pool', `${env('UPSAMPLE_POOL_AGREEMENT')}\nreturn differ;`)(up, p);
  pool = { shared: p.shared, threads: p.threads, build: p.build, differ };
  await p.close();
} catch (error) {
  pool = { error: String(error && error.stack || error) };
}

const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
console.log(JSON.stringify({ runtime, info, validated, seed, fixtures, pool, deletedSab, sab: typeof SharedArrayBuffer }));
// Deno and Bun keep running while pool workers are referenced; nothing is left to do.
if (globalThis.Deno) Deno.exit(0); else process.exit(0);
