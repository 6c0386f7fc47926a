// Before init() resolves, WebAssembly operations refuse with a message that says what to do.
// (Its own file: vitest runs each file in a fresh module graph.)

import { expect, it } from 'vitest';
import * as up from '../src/index.js';

it('throws an Error that says to await init() when called before init', () => {
  const input = { data: new Float32Array(4), shape: [1, 1, 2, 2] };
  expect(() => up.interpolate(input, { size: 4 })).toThrow(/await init\(\)/);
  // The plain-JS backend needs no init.
  expect(up.js.interpolate(input, { size: 4 }).shape).toEqual([1, 1, 4, 4]);
});
