/**
 * Pure helpers of the Evaluate screen's tables and charts: labels, cell lookup,
 * axis ranges and scales (SVG user units). The palette is the CLI plots' one
 * (eval/report/svg-plot.ts), so a row has the same colour in both.
 */
import type { EvalCell, EvalProtocol, EvalResult } from '../../../src-shared/contract/evaluation';

export const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function colourOf(index: number): string {
  return COLOURS[index % COLOURS.length] as string;
}

export function fractionLabel(fraction: number): string {
  return `${+(fraction * 100).toFixed(4)}%`;
}

/** How a stored result was made, in words. */
export function protocolLabel(protocol: EvalProtocol): string {
  return protocol === 'finetune' ? 'fine-tuning' : 'linear probe';
}

export function metricLabel(result: EvalResult): string {
  const metric = result.summary.metric;
  if (metric === 'accuracy') return 'accuracy';
  return result.task?.kind === 'multilabel' ? 'macro AUC' : 'AUC';
}

export function cellAt(result: EvalResult, encoder: string, fraction: number): EvalCell | undefined {
  return result.cells.find((c) => c.encoder === encoder && c.fraction === fraction);
}

/** Range of the values padded to whole tenths, inside [0, 1]. */
export function unitRange(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.max(0, Math.floor((Math.min(...values) - 0.02) * 10) / 10);
  const hi = Math.min(1, Math.ceil((Math.max(...values) + 0.02) * 10) / 10);
  return hi > lo ? [lo, hi] : [0, 1];
}

export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Position of a label fraction on a log axis inside the box, 5% padding each side. */
export function logX(box: PlotBox, fractions: readonly number[]): (fraction: number) => number {
  const logs = fractions.map((f) => Math.log10(f));
  const lo = Math.min(...logs);
  const span = Math.max(...logs) - lo || 1;
  return (fraction) => box.left + box.width * (fractions.length === 1 ? 0.5 : 0.05 + 0.9 * ((Math.log10(fraction) - lo) / span));
}

export function linearY(box: PlotBox, [lo, hi]: [number, number]): (value: number) => number {
  return (value) => box.top + box.height * (1 - (Math.min(hi, Math.max(lo, value)) - lo) / (hi - lo));
}

export function ticks([lo, hi]: [number, number], steps = 5): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => lo + ((hi - lo) * i) / steps);
}
