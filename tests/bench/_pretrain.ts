/**
 * Pretraining for the evaluation benchmarks (eval, smalldata, demo): trains a
 * config on a library's image-report pairs in this process and returns the
 * checkpoint.
 *
 * Patients held out for testing by the evaluation are left out of pretraining:
 * a report that says "COVID-19" paired with a test image would teach the
 * encoder that image's label (transductive leakage). The held-out set is the
 * union of the test parts of every task evaluated afterwards, computed with
 * the evaluation's own split (same tasks, same split seed).
 */
import type { Db } from '../../src-main/db/connection';
import { splitByPatient } from '../../src-main/eval/splits';
import { libraryTask } from '../../src-main/eval/tasks/library-task';
import { demoTrainConfig } from '../../src-main/demo/recipe';
import type { TrainConfig } from '../../src-main/ml/train/config';
import type { PairSource, TrainingPair } from '../../src-main/ml/train/data';
import { librarySource } from '../../src-main/ml/train/library-source';
import { runTokenizer, VOCAB_FILE } from '../../src-main/ml/train/tokenizer';
import { train } from '../../src-main/ml/train/trainer';

export interface EvalTaskRef {
  /** A label schema in the library (covid-finding, CheXpert, ...). */
  schema: string;
  label?: string;
}

/** Patient keys in the test part of any of the tasks, under the evaluation's split. */
export function testPatients(db: Db, tasks: readonly EvalTaskRef[], splitSeed = 0): Set<string> {
  const held = new Set<string>();
  for (const ref of tasks) {
    const task = libraryTask(db, ref.schema, ref.label);
    const split = splitByPatient(task.examples, splitSeed);
    const testKeys = new Set(split.test);
    for (const e of task.examples) if (testKeys.has(e.key)) held.add(e.patientKey);
  }
  return held;
}

/** The library's pairs without the held-out patients; images decoded once and kept (a few hundred at most 512 px). */
export function pretrainSource(db: Db, libraryPath: string, heldOut: ReadonlySet<string>): PairSource & { texts: string[]; patients: number; reportTexts(): string[] } {
  const all = librarySource(db, libraryPath);
  const indices = Array.from({ length: all.size }, (_, i) => i).filter((i) => !heldOut.has(all.patientKey(i)));
  const reports = db.prepare('SELECT p.patient_key AS patientKey, r.raw_text AS text FROM reports r JOIN studies st ON st.id = r.study_id JOIN patients p ON p.id = st.patient_id').all() as { patientKey: string; text: string }[];
  const loaded = new Map<number, Promise<TrainingPair>>();
  const texts = [...new Set(reports.filter((r) => !heldOut.has(r.patientKey)).map((r) => r.text))];
  return {
    size: indices.length,
    patientKey: (i) => all.patientKey(indices[i]!),
    patients: new Set(indices.map((i) => all.patientKey(i))).size,
    // The vocabulary is built from the pretraining reports only, never from a test patient's.
    texts,
    // Also the MLM warm-up's corpus (text.mlmWarmup), which the trainer asks the source for.
    reportTexts: () => texts,
    load(i) {
      let pair = loaded.get(i);
      if (!pair) {
        pair = all.load(indices[i]!);
        loaded.set(i, pair);
      }
      return pair;
    },
  };
}

/**
 * The small-data recipe the benchmarks pretrain with: the demo's (64 px,
 * BatchNorm heads, lr 1e-3 warm-up + cosine, mild augmentation), with the
 * paper's one-sentence text views (clinical notes have no FINDINGS /
 * IMPRESSION sections; a whole note cut at 64 tokens is mostly history) and
 * pairs of one patient masked out of each other's denominators (the COVID
 * collection has several images per patient with one note).
 */
export function smallDataRecipe(options: { epochs: number; overrides?: Record<string, unknown> }): TrainConfig {
  return demoTrainConfig({
    epochs: options.epochs,
    overrides: { preset: 'small-data', text: { ...demoTrainConfig().text, sampling: 'sentence' }, loss: { ...demoTrainConfig().loss, maskFalseNegatives: true }, ...options.overrides },
  });
}

export interface PretrainOutcome {
  checkpoint: string;
  seconds: number;
  steps: number;
  firstValLoss: number | null;
  bestValLoss: number | null;
}

/** Trains `config` on `source` into `runDir`, progress on stderr under `label`. */
export async function pretrain(label: string, config: TrainConfig, source: PairSource & { texts: string[] }, runDir: string): Promise<PretrainOutcome> {
  const { tokenizer, vocabText } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => source.texts });
  const started = Date.now();
  let firstValLoss: number | null = null;
  const result = await train({
    config,
    source,
    tokenizer,
    runDir,
    checkpointFiles: { [VOCAB_FILE]: vocabText },
    onEvent: (e) => {
      if (e.type === 'step') process.stderr.write(`\r${label}: step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(3)} ${e.pairsPerSecond.toFixed(1)} pairs/s   `);
      if (e.type === 'validation') {
        firstValLoss ??= e.valLoss ?? null;
        process.stderr.write(`\n${label}: epoch ${e.epoch} train ${e.trainLoss.toFixed(3)} val ${e.valLoss?.toFixed(3)}\n`);
      }
    },
  });
  if (!result.checkpoint) throw new Error(`${label}: pretraining saved no checkpoint`);
  return { checkpoint: result.checkpoint, seconds: (Date.now() - started) / 1000, steps: result.steps, firstValLoss, bestValLoss: result.bestValLoss };
}
