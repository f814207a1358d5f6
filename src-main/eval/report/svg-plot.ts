/**
 * Small SVG charts written directly (no chart library: a line plot with error bars
 * is ~100 lines and keeps the output byte-stable). Pure: returns the SVG text.
 *  - labelEfficiencyPlot: metric against label fraction (log axis), one line per
 *    encoder, error bars = ± std over seeds.
 *  - rocPlot: ROC curves, one per named curve, with the chance diagonal.
 */
import type { ProbeResult } from '../protocol/linear-probe';
import type { RocCurve } from '../metrics/roc-auc';
import { fractionLabel } from './results-table';

const WIDTH = 700;
const HEIGHT = 380;
const MARGIN = { left: 60, right: 260, top: 40, bottom: 50 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fixed = (x: number) => x.toFixed(2);

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  parts: string[];
}

/** Axes, ticks, labels and title; returns scale functions and the SVG parts so far. */
function frame(title: string, xLabel: string, yLabel: string, xTicks: { at: number; label: string }[], yRange: [number, number], xScale: (v: number) => number): Frame {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const [y0, y1] = yRange;
  const x = (v: number) => MARGIN.left + xScale(v) * plotWidth;
  const y = (v: number) => MARGIN.top + (1 - (v - y0) / (y1 - y0)) * plotHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
  ];
  for (const tick of xTicks) {
    parts.push(`<line x1="${fixed(x(tick.at))}" y1="${MARGIN.top + plotHeight}" x2="${fixed(x(tick.at))}" y2="${MARGIN.top + plotHeight + 5}" stroke="#333"/>`);
    parts.push(`<text x="${fixed(x(tick.at))}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${escapeXml(tick.label)}</text>`);
  }
  const steps = 5;
  for (let i = 0; i <= steps; i++) {
    const v = y0 + ((y1 - y0) * i) / steps;
    parts.push(`<line x1="${MARGIN.left}" y1="${fixed(y(v))}" x2="${MARGIN.left + plotWidth}" y2="${fixed(y(v))}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${fixed(y(v) + 4)}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  return { x, y, parts };
}

function legend(parts: string[], names: readonly string[]): void {
  names.forEach((name, i) => {
    const top = MARGIN.top + 10 + i * 20;
    const left = WIDTH - MARGIN.right + 12;
    parts.push(`<line x1="${left}" y1="${top}" x2="${left + 20}" y2="${top}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/>`);
    parts.push(`<text x="${left + 26}" y="${top + 4}">${escapeXml(name)}</text>`);
  });
}

/** Range of the values padded to whole tenths, inside [0, 1]. */
function unitRange(values: number[]): [number, number] {
  const lo = Math.max(0, Math.floor((Math.min(...values) - 0.02) * 10) / 10);
  const hi = Math.min(1, Math.ceil((Math.max(...values) + 0.02) * 10) / 10);
  return hi > lo ? [lo, hi] : [0, 1];
}

export function labelEfficiencyPlot(result: ProbeResult): string {
  const metric = result.metric === 'auc' ? (result.task.kind === 'multilabel' ? 'macro AUC' : 'AUC') : 'accuracy';
  const logs = result.fractions.map((f) => Math.log10(f));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const span = hi - lo || 1;
  const xScale = (f: number) => 0.05 + 0.9 * ((Math.log10(f) - lo) / span);
  const values = result.cells.flatMap((c) => [c.mean - c.std, c.mean + c.std]);
  const ticks = result.fractions.map((f) => ({ at: f, label: fractionLabel(f) }));
  const range = unitRange(values);
  const { x, y: yRaw, parts } = frame(`${result.task.name}: linear probe`, 'training labels used', `${metric} (mean ± std over ${result.seeds} seeds)`, ticks, range, xScale);
  // Error bars stop at the axis range (a metric cannot pass 0 or 1).
  const y = (v: number) => yRaw(Math.min(range[1], Math.max(range[0], v)));
  result.encoders.forEach((encoder, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const cells = result.fractions.flatMap((f) => result.cells.filter((c) => c.encoder === encoder && c.fraction === f));
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${cells.map((c) => `${fixed(x(c.fraction))},${fixed(y(c.mean))}`).join(' ')}"/>`);
    for (const c of cells) {
      const [cx, top, bottom] = [x(c.fraction), y(c.mean + c.std), y(c.mean - c.std)];
      parts.push(`<line x1="${fixed(cx)}" y1="${fixed(top)}" x2="${fixed(cx)}" y2="${fixed(bottom)}" stroke="${colour}"/>`);
      parts.push(`<line x1="${fixed(cx - 4)}" y1="${fixed(top)}" x2="${fixed(cx + 4)}" y2="${fixed(top)}" stroke="${colour}"/>`);
      parts.push(`<line x1="${fixed(cx - 4)}" y1="${fixed(bottom)}" x2="${fixed(cx + 4)}" y2="${fixed(bottom)}" stroke="${colour}"/>`);
      parts.push(`<circle cx="${fixed(cx)}" cy="${fixed(y(c.mean))}" r="3" fill="${colour}"><title>${escapeXml(`${encoder} ${fractionLabel(c.fraction)}: ${c.mean.toFixed(3)} ± ${c.std.toFixed(3)}`)}</title></circle>`);
    }
  });
  legend(parts, result.encoders);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function rocPlot(title: string, curves: readonly { name: string; curve: RocCurve; auc: number }[]): string {
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => ({ at: v, label: v.toFixed(1) }));
  const { x, y, parts } = frame(title, 'false positive rate', 'true positive rate', ticks, [0, 1], (v) => v);
  parts.push(`<line x1="${fixed(x(0))}" y1="${fixed(y(0))}" x2="${fixed(x(1))}" y2="${fixed(y(1))}" stroke="#999" stroke-dasharray="4 4"/>`);
  curves.forEach(({ curve }, i) => {
    const points = curve.fpr.map((f, k) => `${fixed(x(f))},${fixed(y(curve.tpr[k] as number))}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2" points="${points}"/>`);
  });
  legend(parts, curves.map((c) => `${c.name} (AUC ${c.auc.toFixed(3)})`));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
