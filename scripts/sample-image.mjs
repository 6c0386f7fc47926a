// Generates assets/sample.png, the small image `npm start` upsamples: drawn procedurally here
// (gradients, a soft-edged disc, thin lines, a checkerboard, a transparent corner), so it is
// free of any licence (CC0). Run: node scripts/sample-image.mjs
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const width = 256;
const height = 192;
const png = new PNG({ width, height });
const smooth = (e0, e1, x) => {
  const t = Math.min(Math.max((x - e0) / (e1 - e0), 0), 1);
  return t * t * (3 - 2 * t);
};
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    // Sky gradient.
    let r = 40 + (150 * y) / height;
    let g = 90 + (100 * y) / height;
    let b = 200 - (60 * y) / height;
    // A sun: a disc with a soft edge.
    const d = Math.hypot(x - 180, y - 60);
    const sun = 1 - smooth(26, 30, d);
    r += (255 - r) * sun; g += (210 - g) * sun; b += (80 - b) * sun;
    // Hills: a sine horizon.
    if (y > 130 + 12 * Math.sin(x / 23)) { r = 40 + (x % 64); g = 120 + ((x * y) % 40); b = 50; }
    // A checkerboard and fine lines, where resampling quality shows.
    if (x >= 16 && x < 80 && y >= 16 && y < 80) {
      const c = ((x >> 3) + (y >> 3)) % 2 ? 235 : 25;
      r = g = b = c;
    }
    if (y >= 96 && y < 120 && x >= 16 && x < 112 && x % 3 === 0) { r = 250; g = 250; b = 250; }
    // Transparent top-right corner with a soft alpha ramp (premultiplied resampling keeps its edge clean).
    const alpha = 255 * smooth(0, 40, Math.hypot(x - width, y) - 30);
    const i = (y * width + x) * 4;
    png.data[i] = Math.round(r);
    png.data[i + 1] = Math.round(g);
    png.data[i + 2] = Math.round(b);
    png.data[i + 3] = Math.round(alpha);
  }
}
writeFileSync(new URL('../assets/sample.png', import.meta.url), PNG.sync.write(png));
console.log(`wrote assets/sample.png (${width}x${height} RGBA, generated, CC0)`);
