/**
 * The results table shaped like the paper's: one row per encoder (initialisation),
 * one column per label fraction, each cell "mean ± std [CI low, CI high]". Pure:
 * returns headers and rows (the CLI formats them), and CSV text.
 */
import type { ProbeCell, ProbeResult } from '../protocol/linear-probe';

export interface ResultsTable {
  title: string;
  headers: string[];
  rows: string[][];
}

export function fractionLabel(fraction: number): string {
  return `${+(fraction * 100).toFixed(4)}%`;
}

function cellText(cell: ProbeCell | undefined): string {
  if (!cell) return '';
  return `${cell.mean.toFixed(3)} ± ${cell.std.toFixed(3)} [${cell.ci.lower.toFixed(3)}, ${cell.ci.upper.toFixed(3)}]`;
}

function cellAt(result: ProbeResult, encoder: string, fraction: number): ProbeCell | undefined {
  return result.cells.find((c) => c.encoder === encoder && c.fraction === fraction);
}

export function resultsTable(result: ProbeResult): ResultsTable {
  const metric = result.metric === 'auc' ? (result.task.kind === 'multilabel' ? 'macro AUC' : 'AUC') : 'accuracy';
  return {
    title: `${result.task.name}: ${metric}, ${result.seeds} seeds (split seed ${result.split.seed}: ${result.split.train} train / ${result.split.val} val / ${result.split.test} test)`,
    headers: ['encoder', ...result.fractions.map((f) => `${result.task.name} ${fractionLabel(f)}`)],
    rows: result.encoders.map((encoder) => [encoder, ...result.fractions.map((f) => cellText(cellAt(result, encoder, f)))]),
  };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per cell and seed: everything needed to redraw the table or check a number. */
export function resultsCsv(result: ProbeResult): string {
  const header = ['task', 'metric', 'encoder', 'fraction', 'seed', 'train_size', 'C', 'value', 'cell_mean', 'cell_std', 'ci_lower', 'ci_upper'];
  const lines = result.cells.flatMap((cell) =>
    cell.runs.map((run) =>
      [result.task.name, cell.metric, cell.encoder, cell.fraction, run.seed, run.trainSize, run.C.join(' '), run.value, cell.mean, cell.std, cell.ci.lower, cell.ci.upper].map(csvField).join(','),
    ),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
