/**
 * Evaluation results in the library: each evaluation is a `runs` row (kind 'eval')
 * whose config_json holds the request and, once finished, a `record` with the
 * protocol line, the task's classes and the split sizes; each results-table cell
 * is a `metrics` row `<metric>/<encoder>/<fraction>` (value = mean over seeds,
 * extra_json = std, CI, per-seed runs and the seed-0 ROC points), each retrieval
 * number a row `image-to-image P@<k>/<encoder>`, each zero-shot row a row
 * `zero-shot auc/<encoder>` (extra_json: prompts, CI, ROC). The protocol ('linear'
 * or 'finetune') is in config_json from the start. Reading them back rebuilds the
 * whole result without recomputing anything.
 */
import type { EvalCell, EvalProtocol, EvalResult, EvalResultSummary, EvalRetrieval, EvalZeroShot } from '../../src-shared/contract/evaluation';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import type { RetrievalPrecision } from './metrics/retrieval';
import type { ProbeResult } from './protocol/cells';
import type { ZeroShotRow } from './protocol/zero-shot';

export const EVAL_RUN_KIND = 'eval';

/** What run-eval writes into config_json when the run starts. */
export interface EvalRunConfig {
  task: string;
  convention?: string;
  protocol?: EvalProtocol;
  encoders?: { name: string }[];
  fractions?: number[];
  seeds?: number;
  splitSeed?: number;
  record?: EvalRunRecord;
}

export interface EvalRunRecord {
  protocolId?: EvalProtocol;
  protocol: string;
  metric: string;
  task: { kind: ProbeResult['task']['kind']; classNames: string[] };
  split: ProbeResult['split'];
  fractions: number[];
  seeds: number;
  encoders: string[];
}

interface RunRow {
  id: number;
  config_json: string;
  status: EvalResultSummary['status'];
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

interface MetricRow {
  name: string;
  value: number;
  extra_json: string | null;
}

interface StoredCellExtra {
  std: number;
  ci?: { estimate: number; lower: number; upper: number; confidence: number };
  runs?: { seed: number; trainSize: number; value: number; bestEpoch?: number; epochs?: number; perClass?: (number | null)[] | null }[];
  roc?: { fpr: number[]; tpr: number[] } | null;
}

/** Stores the finished run's cells and retrieval numbers, and its record, in one transaction. */
const ZERO_SHOT_PREFIX = 'zero-shot auc/';

interface StoredZeroShotExtra {
  prompts: { positive: string; negative: string };
  ci?: StoredCellExtra['ci'];
  roc?: StoredCellExtra['roc'];
  test?: number;
}

export function recordEvalResult(db: Db, runId: number, result: ProbeResult, retrieval: readonly { encoder: string; imageToImage: RetrievalPrecision }[], zeroShot: readonly ZeroShotRow[] = []): void {
  db.transaction(() => {
    const insert = db.prepare("INSERT INTO metrics (run_id, name, split, value, extra_json) VALUES (?, ?, 'test', ?, ?)");
    for (const cell of result.cells) {
      // Thresholds are left out: the first is +Infinity, which JSON cannot hold, and the plot needs only the points.
      const roc = cell.roc ? { fpr: cell.roc.fpr, tpr: cell.roc.tpr } : null;
      insert.run(runId, `${cell.metric}/${cell.encoder}/${cell.fraction}`, cell.mean, JSON.stringify({ std: cell.std, ci: cell.ci, runs: cell.runs, roc }));
    }
    for (const r of retrieval) {
      r.imageToImage.ks.forEach((k, i) => insert.run(runId, `image-to-image P@${k}/${r.encoder}`, r.imageToImage.macro[i], JSON.stringify({ perCategory: r.imageToImage.perCategory })));
    }
    for (const z of zeroShot) {
      const extra: StoredZeroShotExtra = { prompts: z.prompts, ci: z.ci, roc: { fpr: z.roc.fpr, tpr: z.roc.tpr }, test: z.test };
      insert.run(runId, `${ZERO_SHOT_PREFIX}${z.encoder}`, z.value, JSON.stringify(extra));
    }
    const config = JSON.parse((db.prepare('SELECT config_json FROM runs WHERE id = ?').get(runId) as { config_json: string }).config_json) as EvalRunConfig;
    const record: EvalRunRecord = {
      protocolId: result.protocolId,
      protocol: result.protocol,
      metric: result.metric,
      task: { kind: result.task.kind, classNames: [...result.task.classNames] },
      split: result.split,
      fractions: result.fractions,
      seeds: result.seeds,
      encoders: result.encoders,
    };
    db.prepare("UPDATE runs SET status = 'done', config_json = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(JSON.stringify({ ...config, record }), runId);
  })();
}

function parseConfig(row: RunRow): EvalRunConfig {
  try {
    const parsed = JSON.parse(row.config_json) as EvalRunConfig;
    return typeof parsed.task === 'string' ? parsed : { task: '(unknown task)' };
  } catch {
    return { task: '(unreadable config)' };
  }
}

function summaryOf(row: RunRow, metric: string | null): EvalResultSummary {
  const config = parseConfig(row);
  const record = config.record;
  return {
    runId: row.id,
    task: config.task,
    status: row.status,
    protocolId: record?.protocolId ?? config.protocol ?? 'linear',
    metric: record?.metric ?? metric,
    encoders: record?.encoders ?? (config.encoders ?? []).map((e) => e.name),
    fractions: record?.fractions ?? config.fractions ?? [0.01, 0.1, 1],
    seeds: record?.seeds ?? config.seeds ?? null,
    splitSeed: record?.split.seed ?? config.splitSeed ?? null,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

const RUN_COLUMNS = 'id, config_json, status, error, started_at, finished_at';

/** Every evaluation run, newest first (running, failed and cancelled ones too). */
export function listEvalRuns(db: Db): EvalResultSummary[] {
  const rows = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE kind = ? ORDER BY id DESC`).all(EVAL_RUN_KIND) as RunRow[];
  const metricOf = db.prepare("SELECT substr(name, 1, instr(name, '/') - 1) AS metric FROM metrics WHERE run_id = ? AND name NOT LIKE 'image-to-image %' AND name NOT LIKE 'zero-shot %' LIMIT 1");
  return rows.map((row) => summaryOf(row, (metricOf.get(row.id) as { metric: string } | undefined)?.metric ?? null));
}

/** `<metric>/<encoder>/<fraction>`: the encoder name may itself hold '/', the other two never do. */
function parseCellName(name: string): { metric: string; encoder: string; fraction: number } | null {
  const first = name.indexOf('/');
  const last = name.lastIndexOf('/');
  if (first < 0 || last <= first) return null;
  const fraction = Number(name.slice(last + 1));
  return Number.isFinite(fraction) ? { metric: name.slice(0, first), encoder: name.slice(first + 1, last), fraction } : null;
}

function cellOf(row: MetricRow): EvalCell | null {
  const parsed = parseCellName(row.name);
  if (!parsed) return null;
  const extra = JSON.parse(row.extra_json ?? '{}') as StoredCellExtra;
  return {
    ...parsed,
    mean: row.value,
    std: extra.std ?? 0,
    ci: extra.ci ? { estimate: extra.ci.estimate, lower: extra.ci.lower, upper: extra.ci.upper, confidence: extra.ci.confidence } : null,
    runs: (extra.runs ?? []).map((r) => ({
      seed: r.seed,
      trainSize: r.trainSize,
      value: r.value,
      ...(r.bestEpoch !== undefined ? { bestEpoch: r.bestEpoch } : {}),
      ...(r.epochs !== undefined ? { epochs: r.epochs } : {}),
      perClass: r.perClass ?? null,
    })),
    roc: extra.roc ?? null,
  };
}

function retrievalOf(rows: readonly MetricRow[]): EvalRetrieval[] {
  const byEncoder = new Map<string, EvalRetrieval>();
  for (const row of rows) {
    const match = /^image-to-image P@(\d+)\/(.+)$/.exec(row.name);
    if (!match) continue;
    const encoder = match[2] as string;
    const entry = byEncoder.get(encoder) ?? { encoder, ks: [], macro: [], perCategory: {} };
    const k = Number(match[1]);
    const index = entry.ks.length;
    entry.ks.push(k);
    entry.macro.push(row.value);
    // Stored per row as the whole per-category table (all ks); keep the column of this k.
    const perCategory = (JSON.parse(row.extra_json ?? '{}') as { perCategory?: Record<string, number[]> }).perCategory ?? {};
    for (const [category, values] of Object.entries(perCategory)) (entry.perCategory[category] ??= [])[index] = values[index] ?? Number.NaN;
    byEncoder.set(encoder, entry);
  }
  return [...byEncoder.values()];
}

function zeroShotOf(rows: readonly MetricRow[]): EvalZeroShot[] {
  return rows
    .filter((row) => row.name.startsWith(ZERO_SHOT_PREFIX))
    .map((row) => {
      const extra = JSON.parse(row.extra_json ?? '{}') as StoredZeroShotExtra;
      const ci = extra.ci ? { estimate: extra.ci.estimate, lower: extra.ci.lower, upper: extra.ci.upper, confidence: extra.ci.confidence } : null;
      return { encoder: row.name.slice(ZERO_SHOT_PREFIX.length), positivePrompt: extra.prompts.positive, negativePrompt: extra.prompts.negative, value: row.value, ci, roc: extra.roc ?? null, test: extra.test ?? 0 };
    });
}

/** The whole stored result of one evaluation run. */
export function readEvalResult(db: Db, runId: number): EvalResult {
  const row = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ? AND kind = ?`).get(runId, EVAL_RUN_KIND) as RunRow | undefined;
  if (!row) throw new AppError('not_found', `no evaluation run ${runId} in this library`);
  const metrics = db.prepare('SELECT name, value, extra_json FROM metrics WHERE run_id = ? ORDER BY id').all(runId) as MetricRow[];
  const cells = metrics.filter((m) => !m.name.startsWith('image-to-image ') && !m.name.startsWith(ZERO_SHOT_PREFIX)).flatMap((m) => cellOf(m) ?? []);
  const config = parseConfig(row);
  const record = config.record;
  const summary = summaryOf(row, cells[0]?.metric ?? null);
  // Older runs without a record: the encoders and fractions come from the cells themselves.
  if (!record && cells.length > 0) {
    summary.encoders = [...new Set(cells.map((c) => c.encoder))];
    summary.fractions = [...new Set(cells.map((c) => c.fraction))].sort((a, b) => a - b);
  }
  return {
    summary,
    protocol: record?.protocol ?? null,
    convention: config.convention ?? null,
    task: record ? record.task : null,
    split: record ? record.split : null,
    cells,
    retrieval: retrievalOf(metrics),
    zeroShot: zeroShotOf(metrics),
  };
}
