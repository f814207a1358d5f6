/** The 14 observations of the CheXpert labeller (CheXpert and MIMIC-CXR-JPG tables) and their value coding. */
import type { LabelSchemaDef } from './types';

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

export const CHEXPERT_VALUES = ['positive', 'negative', 'uncertain'] as const;

export const CHEXPERT_SCHEMA: LabelSchemaDef = {
  name: 'chexpert',
  kind: 'chexpert',
  definition: { observations: CHEXPERT_OBSERVATIONS, values: CHEXPERT_VALUES },
};

/**
 * A table cell to a label value: 1 -> positive, 0 -> negative, -1 -> uncertain
 * (also "1.0", "-1.0"); blank means "not mentioned" and gives null (no label).
 * Anything else is not a CheXpert value: undefined, so the caller can reject the row.
 */
export function chexpertValue(cell: string | undefined): (typeof CHEXPERT_VALUES)[number] | null | undefined {
  const text = (cell ?? '').trim();
  if (text === '') return null;
  const n = Number(text);
  if (n === 1) return 'positive';
  if (n === 0) return 'negative';
  if (n === -1) return 'uncertain';
  return undefined;
}
