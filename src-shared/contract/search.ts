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
  /** 0-based position among its report's sentences, as the viewer's highlight takes it. */
  index: z.number().int().min(0),
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

/** Points the map lays out by default, and at most; a larger archive is subsampled (seeded) to that many studies. */
export const MAP_DEFAULT_POINTS = 2000;
export const MAP_MAX_POINTS = 5000;

export const MapInput = z
  .object({
    modelId: z.string().min(1).max(200).optional(),
    /** Colour points by this label's value (any schema, any source; a person's label wins). */
    colourBy: z.string().min(1).max(200).optional(),
    maxPoints: z.number().int().min(2).max(MAP_MAX_POINTS).default(MAP_DEFAULT_POINTS),
  })
  .strict();

export const MapPoint = z.object({
  studyId: z.number().int(),
  /** Layout coordinates scaled to [0, 1] on both axes. */
  x: z.number(),
  y: z.number(),
  /** The study's value of `colourBy`, or null (no such label, or no colourBy). */
  labelValue: z.string().nullable(),
});
export type MapPoint = z.infer<typeof MapPoint>;

export const MapResponse = z.object({
  modelId: z.string(),
  method: z.literal('umap'),
  /** Studies with image vectors, and how many of them were laid out (fewer when subsampled). */
  studies: z.number().int(),
  shown: z.number().int(),
  /** Whether this layout was computed for this call (false: from the per-model cache). */
  computed: z.boolean(),
  tookMs: z.number(),
  points: z.array(MapPoint),
});
export type MapResponse = z.infer<typeof MapResponse>;

export const ZeroShotInput = z
  .object({
    studyId: z.number().int().positive(),
    /** Label schema whose labels are scored; default: the built-in (CheXpert) one. */
    schemaId: z.number().int().positive().optional(),
    modelId: z.string().min(1).max(200).optional(),
  })
  .strict();

export const ZeroShotSuggestion = z.object({
  label: z.string(),
  /** Softmax of the image's cosine to "<label>" vs "no <label>" at temperature 0.1, in [0, 1]. */
  positiveScore: z.number(),
  suggestion: z.enum(['positive', 'negative', 'uncertain']),
});
export type ZeroShotSuggestion = z.infer<typeof ZeroShotSuggestion>;

export const ZeroShotResponse = z.object({
  modelId: z.string(),
  studyId: z.number().int(),
  schemaId: z.number().int(),
  /** Image vectors of the study that were averaged. */
  images: z.number().int(),
  suggestions: z.array(ZeroShotSuggestion),
});
export type ZeroShotResponse = z.infer<typeof ZeroShotResponse>;

export const searchContract = {
  text: method(TextSearchInput, SearchResponse),
  similar: method(SimilarSearchInput, SearchResponse),
  models: method(z.object({}).strict().default({}), z.array(EmbeddedModel)),
  /** A 2-D UMAP of the studies' image embeddings, cached per model. */
  map: method(MapInput, MapResponse),
  /** Suggested label values from text prompts; never stored as labels. */
  zeroShot: method(ZeroShotInput, ZeroShotResponse),
};
