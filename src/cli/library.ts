// The library build the command runs: SIMD (scalar where the engine lacks SIMD), never relaxed
// SIMD, whose fused multiply-adds round differently: so one command gives the same bytes on Node
// 20, 22 and 24 (4 of the bench's 16 JPEGs differed). Measured on Node 24: the SIMD build is as
// fast as relaxed on the command's resizes (16 JPEGs, CPU 0.435 vs 0.455 s by median of 4 pairs).

import { init } from '../init.js';
import { engineHasSimd } from '../wasm/load.js';

/** init() for the command's main thread and its workers. */
export const initLibrary = () => init({ simd: engineHasSimd() });
