// A consumer app: the seed's bilinear example through the installed package, with the .wasm passed to init().
import { init, interpolate } from 'upsample-wasm';

async function main() {
  // esbuild does not copy assets named by new URL(..., import.meta.url): the app copies
  // node_modules/upsample-wasm/build/simd.wasm beside its bundle and says where it is.
  const info = await init({ wasm: new URL('./simd.wasm', import.meta.url) });
  const data = new Float32Array(8 * 16).map((_, i) => (i % 16) + 1);
  const y = interpolate({ data, shape: [1, 8, 4, 4] }, { size: [8, 8], mode: 'bilinear', alignCorners: false });
  const rows = [];
  for (let r = 0; r < 8; r++) rows.push(Array.from(y.data.subarray(r * 8, r * 8 + 8)));
  return { simd: info.simd, shape: y.shape, rows };
}

main().then(
  (result) => { document.getElementById('result').textContent = JSON.stringify(result); },
  (error) => { document.getElementById('result').textContent = `error: ${error}`; },
);
