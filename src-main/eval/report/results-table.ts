/**
 * The results table shaped like the paper's: one row per encoder (initialisation),
 * one column per label fraction, each cell "mean ± std [CI low, CI high]"; a
 * zero-shot row (no labels) repeats its one value in every column. Pure:
 * returns headers and rows (the CLI formats them), and CSV text.
 */
import type { ProbeCell, ProbeResult } from '../protocol/cells';
import type { ZeroShotRow } from '../protocol/zero-shot';

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

export const PROTOCOL_NAMES: Record<ProbeResult['protocolId'], string> = { linear: 'linear probe', finetune: 'fine-tuning' };

export function zeroShotRowName(row: Pick<ZeroShotRow, 'encoder' | 'prompts'>): string {
  return `${row.encoder} zero-shot ("${row.prompts.positive}" vs "${row.prompts.negative}", no labels)`;
}

export function resultsTable(result: ProbeResult, zeroShot: readonly ZeroShotRow[] = []): ResultsTable {
  const metric = result.metric === 'auc' ? (result.task.kind === 'multilabel' ? 'macro AUC' : 'AUC') : 'accuracy';
  const zeroShotText = (z: ZeroShotRow) => `${z.value.toFixed(3)} [${z.ci.lower.toFixed(3)}, ${z.ci.upper.toFixed(3)}]`;
  return {
    title: `${result.task.name}: ${PROTOCOL_NAMES[result.protocolId]}, ${metric}, ${result.seeds} seeds (split seed ${result.split.seed}: ${result.split.train} train / ${result.split.val} val / ${result.split.test} test)`,
    headers: ['encoder', ...result.fractions.map((f) => `${result.task.name} ${fractionLabel(f)}`)],
    rows: [
      ...result.encoders.map((encoder) => [encoder, ...result.fractions.map((f) => cellText(cellAt(result, encoder, f)))]),
      ...zeroShot.map((z) => [zeroShotRowName(z), ...result.fractions.map(() => zeroShotText(z))]),
    ],
  };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One line per cell and seed: everything needed to redraw the table or check a
 * number. Zero-shot rows have fraction 0 (no labels) and no seed.
 */
export function resultsCsv(result: ProbeResult, zeroShot: readonly ZeroShotRow[] = []): string {
  const header = ['protocol', 'task', 'metric', 'encoder', 'fraction', 'seed', 'train_size', 'C', 'best_epoch', 'value', 'cell_mean', 'cell_std', 'ci_lower', 'ci_upper'];
  const lines = result.cells.flatMap((cell) =>
    cell.runs.map((run) =>
      [result.protocolId, result.task.name, cell.metric, cell.encoder, cell.fraction, run.seed, run.trainSize, run.C.join(' '), run.bestEpoch ?? '', run.value, cell.mean, cell.std, cell.ci.lower, cell.ci.upper].map(csvField).join(','),
    ),
  );
  const zeroShotLines = zeroShot.map((z) => ['zero-shot', result.task.name, z.metric, z.encoder, 0, '', 0, '', '', z.value, z.value, 0, z.ci.lower, z.ci.upper].map(csvField).join(','));
  return `${[header.join(','), ...lines, ...zeroShotLines].join('\n')}\n`;
}
