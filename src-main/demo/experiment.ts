/**
 * The demo's experiment, the paper's comparison in miniature on the synthetic
 * archive: pretrain ConVIRT and the image-only baseline (SimCLR, same engine,
 * encoder and augmentations), embed the library with ConVIRT for search, then
 * evaluate ConVIRT, SimCLR and random init by linear probing on every finding
 * at the chosen label fractions, and measure text-to-image search per finding.
 */
import type { JobEvent } from '../../src-shared/contract/events';
import type { SearchFilters, SearchHit } from '../../src-shared/contract/search';
import type { Db } from '../db/connection';
import { runLinearEval, type EvalOutcome } from '../eval/run-eval';
import type { ProbeCell } from '../eval/protocol/linear-probe';
import { startTrainJob, type TrainJobOutcome } from '../jobs/train-job';
import type { TrainConfig } from '../ml/train/config';
import { selectBackend } from '../ml/backend/select';
import { embedCheckpoint } from '../search/checkpoint-models';
import { DEMO_OBSERVATIONS } from './import-labels';

/**
 * Queries per finding, in the words a clinician types; never the report
 * templates' exact sentences. Several per finding, fixed in advance, and the
 * reported precision is their mean: one wording can be lucky.
 */
export const FINDING_QUERIES: Record<string, string[]> = {
  Cardiomegaly: ['enlarged heart', 'moderate cardiomegaly', 'enlarged cardiac silhouette'],
  'Pleural Effusion': ['small left pleural effusion', 'large right pleural effusion', 'pleural effusion with blunting of the costophrenic angle'],
  Pneumothorax: ['right pneumothorax', 'large left pneumothorax', 'pneumothorax with a visible pleural line'],
  Consolidation: ['right lower lobe consolidation', 'airspace consolidation', 'consolidation concerning for pneumonia'],
  'Lung Lesion': ['pulmonary nodule', 'right upper lobe pulmonary nodule', 'nodule in the left lung'],
  'Support Devices': ['endotracheal tube', 'central venous catheter', 'pacemaker'],
};

export const DEMO_EVAL_OBSERVATIONS = Object.values(DEMO_OBSERVATIONS).filter((o) => o !== 'No Finding');

export type DemoStage = 'pretrain-convirt' | 'pretrain-simclr' | 'import-evaluation' | 'embed' | 'evaluate';

export interface DemoExperimentOptions {
  db: Db;
  libraryPath: string;
  /** The ConVIRT recipe; the baseline is the same recipe with method 'simclr'. */
  config: TrainConfig;
  fractions: number[];
  seeds: number;
  outDir: string;
  onStage?: (stage: DemoStage, detail: string) => void;
  onTrainEvent?: (stage: DemoStage, event: JobEvent) => void;
  onEvalProgress?: (task: string, done: number, total: number) => void;
  /**
   * Imports the evaluation set (other patients, with the ground-truth labels)
   * after pretraining, so no studies the evaluation or search measures on
   * were seen by pretraining. Absent: the library already holds the labels.
   */
  importEvaluationSet?: () => Promise<{ studies: number; images: number; labels: number }>;
  /** Answers a text query over the embedded library (the search service). */
  searchText: (text: string, k: number, modelId: string, filters: SearchFilters) => Promise<SearchHit[]>;
}

export interface DemoRow {
  task: string;
  encoder: string;
  fraction: number;
  mean: number;
  std: number;
  ciLower: number;
  ciUpper: number;
  /** The metric of each seed's run, in seed order. */
  values: number[];
}

export interface DemoSearchRow {
  finding: string;
  queries: string[];
  /** Per query, the share of the top 10 studies positive for the finding. */
  perQuery: number[];
  /** Their mean, and the finding's share of all studies (chance). */
  precisionAt10: number;
  prevalence: number;
}

export interface DemoTrainSummary {
  runId: number;
  status: TrainJobOutcome['status'];
  steps: number;
  epochs: number;
  bestValLoss: number | null;
  checkpoint: string | null;
  seconds: number;
}

export interface DemoExperimentResult {
  convirt: DemoTrainSummary;
  simclr: DemoTrainSummary;
  rows: DemoRow[];
  search: DemoSearchRow[];
  protocol: string;
  files: string[];
  /** The embeddings search uses: the ConVIRT checkpoint's model id. */
  modelId: string;
  /** The evaluation archive imported after pretraining; null when the labels were in the library before. */
  evaluationSet: { studies: number; images: number; labels: number } | null;
}

async function pretrain(options: DemoExperimentOptions, stage: DemoStage, config: TrainConfig): Promise<DemoTrainSummary> {
  const started = performance.now();
  const job = startTrainJob({ db: options.db, libraryPath: options.libraryPath, config, onEvent: (e) => options.onTrainEvent?.(stage, e) });
  const outcome = await job.done;
  if (outcome.status === 'failed' || !outcome.result?.checkpoint) throw new Error(`${stage} (run ${outcome.runId}) ${outcome.status}: ${outcome.error ?? 'no checkpoint'}`);
  return {
    runId: outcome.runId,
    status: outcome.status,
    steps: outcome.result.steps,
    epochs: outcome.result.epochs.length,
    bestValLoss: outcome.result.bestValLoss,
    checkpoint: outcome.result.checkpoint,
    seconds: (performance.now() - started) / 1000,
  };
}

function rowsOf(task: string, cells: ProbeCell[]): DemoRow[] {
  return cells.map((c) => ({ task, encoder: c.encoder, fraction: c.fraction, mean: c.mean, std: c.std, ciLower: c.ci.lower, ciUpper: c.ci.upper, values: c.runs.map((r) => r.value) }));
}

function positives(db: Db, observation: string): Set<number> {
  const rows = db
    .prepare(`SELECT l.study_id AS id FROM labels l JOIN label_schemas s ON s.id = l.schema_id WHERE s.name = 'CheXpert' AND l.label = ? AND l.value = 'positive' AND l.source = 'imported'`)
    .all(observation) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

export async function runDemoExperiment(options: DemoExperimentOptions): Promise<DemoExperimentResult> {
  const stage = options.onStage ?? (() => undefined);
  stage('pretrain-convirt', 'ConVIRT: image-text contrastive pretraining');
  const convirt = await pretrain(options, 'pretrain-convirt', options.config);
  stage('pretrain-simclr', 'SimCLR: image-only contrastive pretraining (the baseline)');
  const simclr = await pretrain(options, 'pretrain-simclr', { ...options.config, method: 'simclr', preset: `${options.config.preset}-simclr` });
  let evaluationSet: DemoExperimentResult['evaluationSet'] = null;
  if (options.importEvaluationSet) {
    stage('import-evaluation', 'importing the evaluation archive (other patients, ground-truth labels), unseen by pretraining');
    evaluationSet = await options.importEvaluationSet();
  }
  stage('embed', 'embedding images and report sentences with the ConVIRT encoder');
  // Embedding and feature extraction run in this process, on the best backend it has.
  await selectBackend();
  const { modelId } = await embedCheckpoint(options.db, options.libraryPath, convirt.checkpoint!, {});

  const encoders = [
    { name: 'ConVIRT', spec: { kind: 'checkpoint' as const, path: convirt.checkpoint! } },
    { name: 'SimCLR (image only)', spec: { kind: 'checkpoint' as const, path: simclr.checkpoint! } },
    { name: 'random init', spec: { kind: 'random' as const, imageSize: options.config.image.size } },
  ];
  const rows: DemoRow[] = [];
  const files: string[] = [];
  let protocol = '';
  for (const observation of DEMO_EVAL_OBSERVATIONS) {
    stage('evaluate', `linear probe: ${observation}`);
    const outcome: EvalOutcome = await runLinearEval(options.db, options.libraryPath, {
      task: 'CheXpert',
      label: observation,
      encoders,
      fractions: options.fractions,
      seeds: options.seeds,
      outDir: options.outDir,
      ...(options.onEvalProgress ? { onProgress: (p: { done: number; total: number }) => options.onEvalProgress!(observation, p.done, p.total) } : {}),
    });
    rows.push(...rowsOf(observation, outcome.result.cells));
    files.push(...outcome.files);
    protocol = outcome.result.protocol;
  }

  // Search and its chance level count the labelled studies only (the evaluation set).
  const total = (options.db.prepare(`SELECT count(DISTINCT l.study_id) AS n FROM labels l JOIN label_schemas s ON s.id = l.schema_id WHERE s.name = 'CheXpert' AND l.source = 'imported'`).get() as { n: number }).n;
  const search: DemoSearchRow[] = [];
  for (const [finding, queries] of Object.entries(FINDING_QUERIES)) {
    const positive = positives(options.db, finding);
    const perQuery: number[] = [];
    for (const query of queries) {
      const hits = await options.searchText(query, 10, modelId, { label: { name: finding } });
      perQuery.push(hits.filter((h) => positive.has(h.studyId)).length / Math.max(1, hits.length));
    }
    search.push({ finding, queries, perQuery, precisionAt10: perQuery.reduce((a, b) => a + b, 0) / perQuery.length, prevalence: positive.size / Math.max(1, total) });
  }
  return { convirt, simclr, rows, search, protocol, files, modelId, evaluationSet };
}

export interface MacroCell {
  encoder: string;
  fraction: number;
  /** Mean over seeds of the per-seed macro AUC (the mean over findings), and its sample std over seeds. */
  mean: number;
  std: number;
}

/** The paper-shaped summary: per encoder and fraction, AUC averaged over the findings seed by seed. */
export function macroAuc(rows: readonly DemoRow[]): MacroCell[] {
  const keys = [...new Set(rows.map((r) => `${r.encoder}\u0000${r.fraction}`))];
  return keys.map((key) => {
    const [encoder, fraction] = key.split('\u0000') as [string, string];
    const cells = rows.filter((r) => r.encoder === encoder && r.fraction === Number(fraction));
    const seeds = Math.min(...cells.map((c) => c.values.length));
    const perSeed = Array.from({ length: seeds }, (_, s) => cells.reduce((a, c) => a + c.values[s]!, 0) / cells.length);
    const mean = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
    const std = perSeed.length > 1 ? Math.sqrt(perSeed.reduce((a, v) => a + (v - mean) ** 2, 0) / (perSeed.length - 1)) : 0;
    return { encoder, fraction: Number(fraction), mean, std };
  });
}
