// The seed's bilinear example, shared by the consumer apps (each bundles one entry).
export async function runSeed(init, interpolate, initOptions) {
  const info = await init(initOptions);
  const data = new Float32Array(8 * 16).map((_, i) => (i % 16) + 1);
  const y = interpolate({ data, shape: [1, 8, 4, 4] }, { size: [8, 8], mode: 'bilinear', alignCorners: false });
  const rows = [];
  for (let r = 0; r < 8; r++) rows.push(Array.from(y.data.subarray(r * 8, r * 8 + 8)));
  return { simd: info.simd, shape: y.shape, rows };
}

export function show(promise) {
  promise.then(
    (result) => { document.getElementById('result').textContent = JSON.stringify(result); },
    (error) => { document.getElementById('result').textContent = `error: ${error}`; },
  );
}
