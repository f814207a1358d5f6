/**
 * Zero-shot label suggestions: each observation of a label schema becomes a
 * pair of text prompts ("pleural effusion" / "no pleural effusion"), embedded
 * by the model's text encoder; a study's mean image embedding is scored
 * against both, as CLIP-style zero-shot classification does with ConVIRT's
 * joint space. The result is a suggestion for a person to accept or not; it is
 * never stored as a label.
 */
import type { ZeroShotResponse, ZeroShotSuggestion } from '../../src-shared/contract/search';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { EmbeddingsRepo } from '../db/embeddings-repo';
import { ensureBuiltInSchemas } from '../services/labels-service';
import { normalized } from './l2';
import { studyMeans } from './map-layout';
import type { QueryEmbedder } from './query-embedder';

/** ConVIRT's temperature (tau = 0.1): turns a cosine gap into odds as the training loss did. */
export const ZERO_SHOT_TEMPERATURE = 0.1;
/** positiveScore at or above: suggest positive; at or below 1 - this: negative; between: uncertain. */
export const ZERO_SHOT_DECISIVE = 0.6;

export interface PromptPair {
  positive: string;
  negative: string;
}

/** The two prompts of an observation, in the lower-case phrasing of report sentences. */
export function promptsFor(observation: string): PromptPair {
  const phrase = observation.toLowerCase();
  // "No Finding" is itself a negation: prompt what a normal and an abnormal report say.
  if (phrase === 'no finding') return { positive: 'no acute cardiopulmonary abnormality', negative: 'acute cardiopulmonary abnormality' };
  return { positive: phrase, negative: `no ${phrase}` };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

/** Cosine with the positive prompt minus cosine with the negative one (unit vectors): the zero-shot score, monotone in positiveScore. */
export function promptGap(image: Float32Array, positive: Float32Array, negative: Float32Array): number {
  return dot(image, positive) - dot(image, negative);
}

/**
 * Softmax over the two prompts' cosines at ZERO_SHOT_TEMPERATURE, for a unit
 * image vector and unit prompt vectors [dim]. `allowUncertain` false (a schema
 * without an uncertain value) decides at 0.5.
 */
export function scorePrompts(image: Float32Array, positive: Float32Array, negative: Float32Array, allowUncertain: boolean): Omit<ZeroShotSuggestion, 'label'> {
  const gap = promptGap(image, positive, negative) / ZERO_SHOT_TEMPERATURE;
  const positiveScore = 1 / (1 + Math.exp(-gap));
  let suggestion: ZeroShotSuggestion['suggestion'] = positiveScore >= 0.5 ? 'positive' : 'negative';
  if (allowUncertain && positiveScore < ZERO_SHOT_DECISIVE && positiveScore > 1 - ZERO_SHOT_DECISIVE) suggestion = 'uncertain';
  return { positiveScore, suggestion };
}

interface SchemaRow {
  id: number;
  name: string;
  labels: string[];
  values: string[];
}

export class ZeroShot {
  private readonly repo: EmbeddingsRepo;
  /** Prompt vectors per model id: 28 prompts for CheXpert, embedded once per model. */
  private readonly prompts = new Map<string, Map<string, Float32Array>>();

  constructor(private readonly db: Db) {
    this.repo = new EmbeddingsRepo(db);
  }

  async suggest(modelId: string, embedder: QueryEmbedder, input: { studyId: number; schemaId?: number }): Promise<ZeroShotResponse> {
    const schema = this.schema(input.schemaId);
    if (!schema.values.includes('positive') || !schema.values.includes('negative')) {
      throw new AppError('bad_request', `Zero-shot suggestions need a schema with positive and negative values; ${schema.name} has ${schema.values.join(', ')}.`);
    }
    const { vector, images } = await this.studyVector(modelId, embedder, input.studyId);
    const allowUncertain = schema.values.includes('uncertain');
    const suggestions: ZeroShotSuggestion[] = [];
    for (const label of schema.labels) {
      const pair = promptsFor(label);
      const [positive, negative] = [await this.prompt(modelId, embedder, pair.positive), await this.prompt(modelId, embedder, pair.negative)];
      suggestions.push({ label, ...scorePrompts(vector, positive, negative, allowUncertain) });
    }
    return { modelId, studyId: input.studyId, schemaId: schema.id, images, suggestions };
  }

  private schema(schemaId: number | undefined): SchemaRow {
    ensureBuiltInSchemas(this.db);
    const row = (
      schemaId === undefined
        ? this.db.prepare('SELECT id, name, definition_json AS definition FROM label_schemas ORDER BY built_in DESC, id LIMIT 1').get()
        : this.db.prepare('SELECT id, name, definition_json AS definition FROM label_schemas WHERE id = ?').get(schemaId)
    ) as { id: number; name: string; definition: string } | undefined;
    if (!row) throw new AppError('not_found', `No label schema with id ${schemaId}.`);
    const definition = JSON.parse(row.definition) as { labels?: string[]; values?: string[] };
    return { id: row.id, name: row.name, labels: definition.labels ?? [], values: definition.values ?? [] };
  }

  /** The study's mean stored image vector (unit); its first image embedded now when none is stored. */
  private async studyVector(modelId: string, embedder: QueryEmbedder, studyId: number): Promise<{ vector: Float32Array; images: number }> {
    const instanceIds = this.db
      .prepare('SELECT i.id FROM instances i JOIN series se ON se.id = i.series_id WHERE se.study_id = ? ORDER BY se.id, i.id')
      .pluck()
      .all(studyId) as number[];
    if (instanceIds.length === 0) {
      const exists = this.db.prepare('SELECT 1 FROM studies WHERE id = ?').get(studyId);
      throw new AppError('not_found', exists ? `Study ${studyId} has no images to score.` : `No study with id ${studyId} in this library.`);
    }
    const stored = instanceIds.map((id) => this.repo.vectorOf(modelId, 'image', id)).filter((v): v is Float32Array => v !== null);
    const vectors = stored.length > 0 ? stored : [await embedder.embedImage(instanceIds[0]!)];
    const dim = vectors[0]!.length;
    const matrix = new Float32Array(vectors.length * dim);
    vectors.forEach((v, r) => matrix.set(normalized(v), r * dim));
    const mean = studyMeans(matrix, dim, new Int32Array(vectors.length).fill(studyId));
    return { vector: mean.matrix, images: vectors.length };
  }

  private async prompt(modelId: string, embedder: QueryEmbedder, text: string): Promise<Float32Array> {
    let cache = this.prompts.get(modelId);
    if (!cache) {
      // One model's prompts at a time, as the embedder provider keeps one model loaded.
      this.prompts.clear();
      this.prompts.set(modelId, (cache = new Map()));
    }
    let vector = cache.get(text);
    if (!vector) cache.set(text, (vector = normalized(await embedder.embedText(text))));
    return vector;
  }
}
