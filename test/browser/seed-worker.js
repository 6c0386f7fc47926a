// A module Worker that loads the package entry named in its URL (?entry=/dist/index.js or
// /dist/inline.js), runs the seed's bilinear example and posts the first channel back.

const entry = new URL(self.location.href).searchParams.get('entry');
import(entry).then(async (up) => {
  const info = await up.init();
  const data = new Float32Array(8 * 16).map((_, i) => (i % 16) + 1);
  const y = up.interpolate({ data, shape: [1, 8, 4, 4] }, { size: [8, 8], mode: 'bilinear', alignCorners: false });
  const rows = [];
  for (let r = 0; r < 8; r++) rows.push(Array.from(y.data.subarray(r * 8, r * 8 + 8)));
  self.postMessage({ build: info.build, rows });
}).catch((error) => self.postMessage({ error: String(error) }));
