/**
 * The `evaluation` service group: label tasks of the library, the encoders that
 * can be evaluated (random init and every pretraining checkpoint), the stored
 * linear-probe results (from the Evaluate screen, `convirt eval` or the demo),
 * and starting / cancelling an evaluation job whose progress arrives as JobEvents.
 */
import { z } from 'zod';
import { method } from './method';

const TaskKind = z.enum(['binary', 'multiclass', 'multilabel']);

export const EvalTask = z.object({
  /** Label schema and, when the schema has several labels, the one label. */
  schema: z.string(),
  label: z.string().nullable(),
  /** Name the results carry (the schema, or `schema/label`). */
  name: z.string(),
  kind: TaskKind.nullable(),
  classNames: z.array(z.string()),
  /** Labelled studies per class (positives per observation for multi-label). */
  classCounts: z.array(z.number().int()),
  /** Studies that take part, and their patients (splits keep a patient on one side). */
  studies: z.number().int(),
  patients: z.number().int(),
  /** Raw values left out by the convention, with counts. */
  excluded: z.record(z.string(), z.number().int()),
  convention: z.string(),
  /** Why the task cannot be evaluated (e.g. one class only); null when it can. */
  problem: z.string().nullable(),
});
export type EvalTask = z.infer<typeof EvalTask>;

/** 'random' or 'checkpoint:<checkpoint id>'. */
export const EncoderId = z.string().regex(/^(random|checkpoint:\d+)$/, "expected 'random' or 'checkpoint:<id>'");

export const EvalEncoder = z.object({
  id: EncoderId,
  /** The row label in results, e.g. 'random init', 'ConVIRT (run 3, epoch 5)'. */
  name: z.string(),
  kind: z.enum(['random', 'checkpoint']),
  runId: z.number().int().nullable(),
  epoch: z.number().int().nullable(),
  step: z.number().int().nullable(),
  createdAt: z.string().nullable(),
});
export type EvalEncoder = z.infer<typeof EvalEncoder>;

export const EvalStatus = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']);

/** 'linear': frozen encoder + logistic regression; 'finetune': encoder and linear head trained together (early stopping on validation). */
export const EvalProtocol = z.enum(['linear', 'finetune']);
export type EvalProtocol = z.infer<typeof EvalProtocol>;

export const EvalResultSummary = z.object({
  runId: z.number().int(),
  task: z.string(),
  status: EvalStatus,
  /** The protocol the run used (runs stored before fine-tuning existed are linear). */
  protocolId: EvalProtocol,
  /** 'auc' or 'accuracy'; null before the run stored its cells. */
  metric: z.string().nullable(),
  encoders: z.array(z.string()),
  fractions: z.array(z.number()),
  seeds: z.number().int().nullable(),
  splitSeed: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type EvalResultSummary = z.infer<typeof EvalResultSummary>;

export const EvalCell = z.object({
  encoder: z.string(),
  fraction: z.number(),
  metric: z.string(),
  mean: z.number(),
  std: z.number(),
  ci: z.object({ estimate: z.number(), lower: z.number(), upper: z.number(), confidence: z.number() }).nullable(),
  runs: z.array(
    z.object({
      seed: z.number().int(),
      trainSize: z.number().int(),
      value: z.number(),
      /** Fine-tuning: the epoch whose weights were kept, and the epochs trained. */
      bestEpoch: z.number().int().optional(),
      epochs: z.number().int().optional(),
      /** Per-observation AUC (multi-label); null otherwise or where undefined. */
      perClass: z.array(z.number().nullable()).nullable(),
    }),
  ),
  /** Binary tasks: the seed-0 ROC curve on the test set; null when not stored. */
  roc: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) }).nullable(),
});
export type EvalCell = z.infer<typeof EvalCell>;

export const EvalRetrieval = z.object({
  encoder: z.string(),
  ks: z.array(z.number().int()),
  /** Mean over categories, per k (same order as ks). */
  macro: z.array(z.number()),
  perCategory: z.record(z.string(), z.array(z.number())),
});
export type EvalRetrieval = z.infer<typeof EvalRetrieval>;

/** Zero-shot classification from two text prompts (binary tasks, ConVIRT checkpoints): AUC on the test set, no labels used. */
export const EvalZeroShot = z.object({
  encoder: z.string(),
  positivePrompt: z.string(),
  negativePrompt: z.string(),
  value: z.number(),
  ci: z.object({ estimate: z.number(), lower: z.number(), upper: z.number(), confidence: z.number() }).nullable(),
  roc: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) }).nullable(),
  /** Test studies scored. */
  test: z.number().int(),
});
export type EvalZeroShot = z.infer<typeof EvalZeroShot>;

export const EvalResult = z.object({
  summary: EvalResultSummary,
  /** The protocol line the run was made under; null for runs stored before it was recorded. */
  protocol: z.string().nullable(),
  convention: z.string().nullable(),
  task: z.object({ kind: TaskKind, classNames: z.array(z.string()) }).nullable(),
  split: z.object({ seed: z.number().int(), train: z.number().int(), val: z.number().int(), test: z.number().int() }).nullable(),
  cells: z.array(EvalCell),
  retrieval: z.array(EvalRetrieval),
  zeroShot: z.array(EvalZeroShot),
});
export type EvalResult = z.infer<typeof EvalResult>;

export const RunEvalInput = z
  .object({
    task: z.string().min(1).max(200),
    label: z.string().min(1).max(200).optional(),
    encoders: z.array(EncoderId).min(1).max(8),
    /** Fractions of the training labels, in (0, 1]. */
    fractions: z.array(z.number().gt(0).max(1)).min(1).max(6).default([0.01, 0.1, 1]),
    seeds: z.number().int().min(1).max(10).default(5),
    splitSeed: z.number().int().min(0).default(0),
    /** 'linear' when absent. */
    protocol: EvalProtocol.optional(),
    /** Fine-tuning: epoch cap per run (the protocol's default when absent). */
    maxEpochs: z.number().int().min(1).max(200).optional(),
    /** Zero-shot row per ConVIRT checkpoint on a binary task; on when absent. */
    zeroShot: z.boolean().optional(),
    /** Also image-to-image Precision@5/10/50 per category. */
    retrieval: z.boolean().default(false),
    queriesPerCategory: z.number().int().min(1).max(200).default(10),
  })
  .strict();

export const EvalJob = z.object({
  jobId: z.string(),
  task: z.string(),
  /** The run row, once the worker has created it. */
  runId: z.number().int().nullable(),
  startedAt: z.string(),
  /** The latest progress: phase text and done / total of that phase. */
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
});
export type EvalJob = z.infer<typeof EvalJob>;

const Empty = z.object({}).strict().default({});

export const evaluationContract = {
  listTasks: method(Empty, z.array(EvalTask)),
  listEncoders: method(Empty, z.array(EvalEncoder)),
  listResults: method(Empty, z.array(EvalResultSummary)),
  getResult: method(z.object({ runId: z.number().int().positive() }).strict(), EvalResult),
  run: method(RunEvalInput, EvalJob),
  listJobs: method(Empty, z.array(EvalJob)),
  cancel: method(z.object({ jobId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
};
