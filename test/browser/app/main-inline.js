// A consumer app: the seed's bilinear example through the installed package's inline entry.
import { init, interpolate } from 'upsample-wasm/inline';
import { runSeed, show } from './seed.js';

show(runSeed(init, interpolate));
