/**
 * The `labels` service group: label schemas (the built-in CheXpert one and
 * those made in the UI), a study's labels with who set them and when,
 * suggestions from the report labeller and their acceptance, moving through
 * studies while labelling, progress, and CSV import / export.
 */
import { z } from 'zod';
import { method } from './method';

/** The 14 CheXpert observations (Irvin et al., 2019), in the dataset's column order. */
export const CHEXPERT_OBSERVATIONS = [
  'No Finding',
  'Enlarged Cardiomediastinum',
  'Cardiomegaly',
  'Lung Opacity',
  'Lung Lesion',
  'Edema',
  'Consolidation',
  'Pneumonia',
  'Atelectasis',
  'Pneumothorax',
  'Pleural Effusion',
  'Pleural Other',
  'Fracture',
  'Support Devices',
] as const;

export const CHEXPERT_SCHEMA_NAME = 'CheXpert';

/** Values of a CheXpert observation; "blank" (not mentioned) is the absence of a label. */
export const ChexpertValue = z.enum(['positive', 'negative', 'uncertain']);

/**
 * A table cell in CheXpert's coding to a value: 1 / 1.0 positive, 0 negative,
 * -1 uncertain; blank gives null (no label); anything else undefined (invalid),
 * so the caller can reject the row.
 */
export function chexpertValueOf(cell: string | undefined): z.infer<typeof ChexpertValue> | null | undefined {
  const text = (cell ?? '').trim();
  if (text === '') return null;
  const n = Number(text);
  if (n === 1) return 'positive';
  if (n === 0) return 'negative';
  if (n === -1) return 'uncertain';
  return undefined;
}
export type ChexpertValue = z.infer<typeof ChexpertValue>;

/** The key that sets each CheXpert value. */
export const CHEXPERT_VALUE_KEYS: Record<ChexpertValue, string> = { positive: 'p', negative: 'n', uncertain: 'u' };

export const LabelSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['binary', 'multiclass', 'multilabel', 'chexpert']),
  /** The observations (CheXpert, multi-label) or the one label (binary, multi-class). */
  labels: z.array(z.string()),
  /** The values each label may take; blank is always allowed. */
  values: z.array(z.string()),
  /** value -> the key that sets it (one character); values without a key are set by click. */
  keys: z.record(z.string(), z.string()),
  builtIn: z.boolean(),
});
export type LabelSchema = z.infer<typeof LabelSchema>;

const Name = z.string().trim().min(1).max(80);

/**
 * A schema made in the UI. binary: one label, two values (the first is the
 * finding's presence, e.g. present / absent); multiclass: one label, two or
 * more classes; multilabel: several labels sharing the values (e.g. yes / no).
 */
export const CreateSchemaInput = z
  .object({
    name: Name,
    kind: z.enum(['binary', 'multiclass', 'multilabel']),
    labels: z.array(Name).min(1).max(100),
    values: z.array(Name).min(1).max(50),
    keys: z.record(z.string(), z.string().length(1)).default({}),
  })
  .strict();
export type CreateSchemaInput = z.input<typeof CreateSchemaInput>;

/** Where the deciding sentence is: offsets into the study's report text, and the cue that decided. */
export const SuggestionEvidence = z.object({
  sentence: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  mention: z.string().nullable(),
  cue: z.string().nullable(),
});
export type SuggestionEvidence = z.infer<typeof SuggestionEvidence>;

/** A proposed value, stored with source = 'suggested'; it counts only once a person accepts it. */
export const LabelSuggestion = z.object({
  label: z.string(),
  value: z.string(),
  /** What proposed it: 'report' (the rule-based report labeller); other suggesters name themselves. */
  origin: z.string(),
  at: z.string(),
  evidence: SuggestionEvidence.nullable(),
});
export type LabelSuggestion = z.infer<typeof LabelSuggestion>;

export const StudyLabel = z.object({
  label: z.string(),
  value: z.string(),
  source: z.enum(['human', 'imported', 'suggested']),
  author: z.string().nullable(),
  /** ISO time of the last change. */
  at: z.string(),
});
export type StudyLabel = z.infer<typeof StudyLabel>;

export const LabelProgress = z.object({ labelled: z.number().int(), total: z.number().int() });
export type LabelProgress = z.infer<typeof LabelProgress>;

export const StudyLabels = z.object({
  studyId: z.number().int(),
  schemaId: z.number().int(),
  labels: z.array(StudyLabel),
  /** Suggestions for labels that have no human or imported value yet. */
  suggestions: z.array(LabelSuggestion).default([]),
  progress: LabelProgress,
});
export type StudyLabels = z.infer<typeof StudyLabels>;

const Ids = { studyId: z.number().int().positive(), schemaId: z.number().int().positive() };

export const SetLabelInput = z
  .object({
    ...Ids,
    label: z.string().min(1).max(200),
    /** null makes the label blank. */
    value: z.string().min(1).max(200).nullable(),
  })
  .strict();
export type SetLabelInput = z.input<typeof SetLabelInput>;

export const NeighbourInput = z
  .object({ schemaId: Ids.schemaId, studyId: Ids.studyId, direction: z.enum(['next', 'previous', 'nextUnlabelled']) })
  .strict();

export const CsvImportResult = z.object({
  imported: z.number().int(),
  studies: z.number().int(),
  skipped: z.array(z.object({ line: z.number().int(), reason: z.string() })),
});
export type CsvImportResult = z.infer<typeof CsvImportResult>;

export const SuggestAllResult = z.object({ studies: z.number().int(), suggestions: z.number().int(), tookMs: z.number() });
export type SuggestAllResult = z.infer<typeof SuggestAllResult>;

export const labelsContract = {
  schemas: method(z.object({}).strict(), z.array(LabelSchema)),
  forStudy: method(z.object(Ids).strict(), StudyLabels),
  set: method(SetLabelInput, StudyLabels),
  /** The study to label next, in library order (by id); null at the end. */
  neighbour: method(NeighbourInput, z.object({ studyId: z.number().int().nullable() })),
  exportCsv: method(z.object({ schemaId: Ids.schemaId }).strict(), z.object({ csv: z.string(), rows: z.number().int() })),
  importCsv: method(z.object({ schemaId: Ids.schemaId, csv: z.string().max(900_000) }).strict(), CsvImportResult),
  createSchema: method(CreateSchemaInput, LabelSchema),
  /** Runs the report labeller on the study's report and stores its suggestions (never touching human or imported labels). */
  suggest: method(z.object(Ids).strict(), StudyLabels),
  /** The same over every study with a report; reports progress as job events. */
  suggestAll: method(z.object({ schemaId: Ids.schemaId }).strict(), SuggestAllResult),
  /** Turns the study's suggestions (all, or those of `labels`) into human labels, recording who and when; labels a person set are kept. */
  accept: method(z.object({ ...Ids, labels: z.array(z.string().min(1).max(200)).max(200).optional() }).strict(), StudyLabels),
};
