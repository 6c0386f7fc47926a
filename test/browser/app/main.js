// A consumer app: the seed's bilinear example through the installed package.
import { init, interpolate } from 'upsample-wasm';

async function main() {
  const info = await init();
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
