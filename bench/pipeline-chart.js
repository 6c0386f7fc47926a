// bench/results/pipeline.svg: the image pipelines' workloads (W6, W7 from pipeline.json; W8 from
// conventions.json) as one chart of each task's median over ours. Both benches redraw it when
// they finish; `node bench/pipeline-chart.js` redraws it from the committed results.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { svgChart } from './svg-chart.js';

const dir = new URL('./results/', import.meta.url);
/** Rows that measure a reference cost, not a way to do the workload. */
const ROOFLINE = /^(roofline|memset|Pillow pipe round trip)/;

export function writePipelineChart() {
  const sections = [];
  const machines = new Set();
  for (const file of ['pipeline.json', 'conventions.json']) {
    const url = new URL(file, dir);
    if (!existsSync(url)) continue;
    const report = JSON.parse(readFileSync(url, 'utf8'));
    machines.add(report.machine);
    for (const s of report.sections) {
      const reference = s.rows.find((r) => !ROOFLINE.test(r.name));
      sections.push({ title: s.title, rows: s.rows.map((r) => ({ name: r.name, ratio: r.median / reference.median, reference: r === reference })) });
    }
  }
  const references = new Set(sections.map((s) => s.rows.find((r) => r.reference).name));
  const svg = svgChart({ machine: [...machines].join('; '), sections }, {
    title: 'Image pipelines: median time relative to ours (first bar of each group); log scale, right = slower',
    kind: (name) => (references.has(name) ? 'reference' : ROOFLINE.test(name) ? 'roofline'
      : /^(ours|imageToTensor|resizeImage|upsample|interpolate|js\.|upsample-wasm)/.test(name) ? 'ours' : 'other'),
  });
  writeFileSync(new URL('pipeline.svg', dir), svg);
}

if (import.meta.url === `file://${process.argv[1]}`) writePipelineChart();
