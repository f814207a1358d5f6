/**
 * The `labels` service group: label schemas (the built-in CheXpert one), a
 * study's labels with who set them and when, moving through studies while
 * labelling, progress, and CSV import / export.
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

export const LabelSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['binary', 'multiclass', 'multilabel', 'chexpert']),
  /** The observations (CheXpert, multi-label) or the one label (binary, multi-class). */
  labels: z.array(z.string()),
  /** The values each label may take; blank is always allowed. */
  values: z.array(z.string()),
  builtIn: z.boolean(),
});
export type LabelSchema = z.infer<typeof LabelSchema>;

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

export const labelsContract = {
  schemas: method(z.object({}).strict(), z.array(LabelSchema)),
  forStudy: method(z.object(Ids).strict(), StudyLabels),
  set: method(SetLabelInput, StudyLabels),
  /** The study to label next, in library order (by id); null at the end. */
  neighbour: method(NeighbourInput, z.object({ studyId: z.number().int().nullable() })),
  exportCsv: method(z.object({ schemaId: Ids.schemaId }).strict(), z.object({ csv: z.string(), rows: z.number().int() })),
  importCsv: method(z.object({ schemaId: Ids.schemaId, csv: z.string().max(900_000) }).strict(), CsvImportResult),
};
