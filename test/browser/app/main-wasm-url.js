// A consumer app: the seed's bilinear example through the installed package, with the .wasm passed to init().
import { init, interpolate } from 'upsample-wasm';
import { runSeed, show } from './seed.js';

// esbuild does not copy assets named by new URL(..., import.meta.url): the app copies
// node_modules/upsample-wasm/build/simd.wasm beside its bundle and says where it is.
show(runSeed(init, interpolate, { wasm: new URL('./simd.wasm', import.meta.url) }));
