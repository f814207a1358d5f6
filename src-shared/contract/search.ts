/** The `search` service group: text-to-image and image-to-image search over stored embeddings. */
import { z } from 'zod';
import { method } from './method';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** The library's filters, plus a label state. All given conditions must hold. */
export const SearchFilters = z
  .object({
    modality: z.string().min(1).max(16).optional(),
    dateFrom: IsoDate.optional(),
    dateTo: IsoDate.optional(),
    hasReport: z.boolean().optional(),
    /** Studies carrying `label` (any source); with `value`, only that value; with `value: null`, studies WITHOUT that label. */
    label: z
      .object({ name: z.string().min(1).max(200), value: z.string().max(200).nullable().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type SearchFilters = z.infer<typeof SearchFilters>;

const Common = {
  k: z.number().int().min(1).max(200).default(10),
  /** Embeddings to search; default: the most recently embedded model. */
  modelId: z.string().min(1).max(200).optional(),
  filters: SearchFilters.default({}),
};

export const TextSearchInput = z.object({ text: z.string().trim().min(1).max(1000), ...Common }).strict();
export const SimilarSearchInput = z.object({ instanceId: z.number().int().positive(), ...Common }).strict();

export const MatchedSentence = z.object({
  sentenceId: z.number().int(),
  reportId: z.number().int(),
  text: z.string(),
  /** Character offsets into the report's raw text, for highlighting. */
  start: z.number().int(),
  end: z.number().int(),
  score: z.number(),
});

export const SearchHit = z.object({
  studyId: z.number().int(),
  /** Cosine similarity of the study's best image to the query, in [-1, 1]. */
  score: z.number(),
  /** That best image: show it as the thumbnail. */
  thumbnailInstanceId: z.number().int(),
  studyDate: z.string().nullable(),
  modalities: z.string().nullable(),
  description: z.string().nullable(),
  /** The report sentence closest to the query; null when the study has no embedded sentences. */
  sentence: MatchedSentence.nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResponse = z.object({
  modelId: z.string(),
  query: z.enum(['text', 'image']),
  /** Image vectors searched, before filters. */
  searched: z.number().int(),
  tookMs: z.number(),
  hits: z.array(SearchHit),
});
export type SearchResponse = z.infer<typeof SearchResponse>;

export const EmbeddedModel = z.object({
  modelId: z.string(),
  checkpointId: z.number().int().nullable(),
  dim: z.number().int(),
  images: z.number().int(),
  sentences: z.number().int(),
});
export type EmbeddedModel = z.infer<typeof EmbeddedModel>;

export const searchContract = {
  text: method(TextSearchInput, SearchResponse),
  similar: method(SimilarSearchInput, SearchResponse),
  models: method(z.object({}).strict().default({}), z.array(EmbeddedModel)),
};
