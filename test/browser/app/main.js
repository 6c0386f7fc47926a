// A consumer app: the seed's bilinear example through the installed package.
import { init, interpolate } from 'upsample-wasm';
import { runSeed, show } from './seed.js';

show(runSeed(init, interpolate));
