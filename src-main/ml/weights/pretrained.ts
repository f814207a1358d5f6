/**
 * Loading published checkpoints by their own names: torchvision / timm ResNets
 * (classifier `fc.*` and BatchNorm counters skipped) and Hugging Face BERT
 * (BertModel files without the "bert." prefix, BertForPreTraining files with
 * it, old TF-converted names LayerNorm.gamma/beta; pooler and MLM heads skipped).
 */
import type { Bert } from '../models/bert';
import type { ResNet } from '../models/resnet';
import { loadSafetensorsInto, type LoadReport } from './state-dict';

export const RESNET_IGNORED = [/^fc\./, /\.num_batches_tracked$/];
export const BERT_IGNORED = [/^cls\./, /(^|\.)pooler\./, /position_ids$/];

export function huggingFaceBertName(fileKey: string): string {
  const prefixed = fileKey.startsWith('bert.') ? fileKey : `bert.${fileKey}`;
  return prefixed.replace(/\.LayerNorm\.gamma$/, '.LayerNorm.weight').replace(/\.LayerNorm\.beta$/, '.LayerNorm.bias');
}

export function loadResNetWeights(model: ResNet, path: string): LoadReport {
  return loadSafetensorsInto(model.state, path, { ignore: RESNET_IGNORED });
}

export function loadBertWeights(model: Bert, path: string): LoadReport {
  return loadSafetensorsInto(model.state, path, { ignore: BERT_IGNORED, rename: huggingFaceBertName });
}
