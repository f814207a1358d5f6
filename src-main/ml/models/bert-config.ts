/** Typed configuration of the text encoder (Hugging Face BertModel). */
import { z } from 'zod';

export const BertConfig = z
  .object({
    vocabSize: z.number().int().positive(),
    hiddenSize: z.number().int().positive(),
    numLayers: z.number().int().positive(),
    numHeads: z.number().int().positive(),
    intermediateSize: z.number().int().positive(),
    maxPositions: z.number().int().positive().default(512),
    typeVocabSize: z.number().int().positive().default(2),
    layerNormEps: z.number().positive().default(1e-12),
    /** Dropout on embeddings, attention probabilities and block outputs; training mode only. */
    dropout: z.number().min(0).max(1).default(0.1),
    /** Embeddings and the first `frozenLayers` layers get no updates (ConVIRT: 6 of 12). */
    freezeEmbeddings: z.boolean().default(false),
    frozenLayers: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((c) => c.hiddenSize % c.numHeads === 0, { message: 'hiddenSize must be a multiple of numHeads' })
  .refine((c) => c.frozenLayers <= c.numLayers, { message: 'frozenLayers exceeds numLayers' });
export type BertConfig = z.infer<typeof BertConfig>;
export type BertConfigInput = z.input<typeof BertConfig>;

/** Bio_ClinicalBERT sizes (bert-base, cased vocabulary of 28,996); ConVIRT freezes embeddings and layers 0-5. */
export const BERT_BASE: BertConfigInput = {
  vocabSize: 28996,
  hiddenSize: 768,
  numLayers: 12,
  numHeads: 12,
  intermediateSize: 3072,
  freezeEmbeddings: true,
  frozenLayers: 6,
};
