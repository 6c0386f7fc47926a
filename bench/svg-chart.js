// One horizontal bar chart for the benchmark reports: each task's time over the workload's
// reference task, log scale, one group of bars a workload (peers.svg, pipeline.svg).

const escapeXml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const ratioText = (r) => (r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(1));

/**
 * `report.sections[i] = { title, rows: [{ name, ratio }] }`; `kind(name)` colours a bar:
 * 'reference' (dark blue), 'ours' (light blue), 'roofline' (grey), else another library (orange).
 */
export function svgChart(report, { title, kind }) {
  // Labels right-aligned before the plot: about 6 px a character at 11 px sans-serif.
  const longest = Math.max(...report.sections.flatMap((s) => s.rows.map((r) => r.name.length)));
  const rowH = 15, labelW = Math.max(330, 6 + longest * 6), plotW = 430, left = labelW + 10, top = 46;
  const lo = 0.1, hi = 1000;
  const colors = { reference: '#1f77b4', ours: '#6baed6', roofline: '#bbbbbb' };
  const x = (ratio) => left + (Math.log10(Math.min(Math.max(ratio, lo), hi) / lo) / Math.log10(hi / lo)) * plotW;
  const parts = [];
  let y = top;
  for (const s of report.sections) {
    parts.push(`<text x="6" y="${y + 11}" font-weight="bold">${escapeXml(s.title)}</text>`);
    y += rowH + 2;
    for (const r of s.rows) {
      const color = colors[kind(r.name)] ?? '#e6550d';
      const x1 = x(1), x2 = x(r.ratio);
      parts.push(`<text x="${labelW}" y="${y + 11}" text-anchor="end">${escapeXml(r.name)}</text>`);
      parts.push(`<rect x="${Math.min(x1, x2).toFixed(1)}" y="${y + 2}" width="${Math.max(Math.abs(x2 - x1), 1).toFixed(1)}" height="${rowH - 4}" fill="${color}"/>`);
      parts.push(`<text x="${(Math.max(x1, x2) + 4).toFixed(1)}" y="${y + 11}">${ratioText(r.ratio)}x</text>`);
      y += rowH;
    }
    y += 8;
  }
  const ticks = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000].map((t) => `<line x1="${x(t).toFixed(1)}" y1="${top - 6}" x2="${x(t).toFixed(1)}" y2="${y}" stroke="${t === 1 ? '#333' : '#ddd'}"/><text x="${x(t).toFixed(1)}" y="${top - 9}" text-anchor="middle">${t}x</text>`);
  const width = left + plotW + 60;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 24}" viewBox="0 0 ${width} ${y + 24}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="6" y="16" font-size="13" font-weight="bold">${escapeXml(title)}</text>
<text x="6" y="30" fill="#555">${escapeXml(report.machine)}</text>
${ticks.join('\n')}
${parts.join('\n')}
<text x="6" y="${y + 16}" fill="#555">bars start at 1x (the reference); grey: roofline, blue: upsample-wasm, orange: other libraries</text>
</svg>
`;
}
