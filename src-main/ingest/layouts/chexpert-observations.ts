/**
 * The CheXpert labeller's convention for imported tables (CheXpert, MIMIC-CXR-JPG):
 * the same schema row the viewer's labelling uses, so imported and human
 * labels of one observation meet in one schema.
 */
import { CHEXPERT_OBSERVATIONS, CHEXPERT_SCHEMA_NAME, ChexpertValue, chexpertValueOf } from '../../../src-shared/contract/labels';
import type { LabelSchemaDef } from './types';

export { CHEXPERT_OBSERVATIONS };

export const CHEXPERT_SCHEMA: LabelSchemaDef = {
  name: CHEXPERT_SCHEMA_NAME,
  kind: 'chexpert',
  definition: { labels: CHEXPERT_OBSERVATIONS, values: ChexpertValue.options },
};

export const chexpertValue = chexpertValueOf;
