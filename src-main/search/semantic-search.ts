/**
 * Text-to-image and image-to-image search over a library's stored embeddings.
 * The query is centred on its modality's mean embedding (query-centring.ts).
 * Ranks studies by their best image (exact cosine, embedding-index.ts), masks
 * the studies outside the library filters before selection, and picks for each
 * hit its report sentence closest to the query, for highlighting. Indexes are
 * loaded once per model and reloaded when that model's vectors change.
 */
import type { EmbeddedModel, SearchFilters, SearchHit, SearchResponse } from '../../src-shared/contract/search';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { EmbeddingsRepo, type EmbeddingKind } from '../db/embeddings-repo';
import { EmbeddingIndex } from './embedding-index';
import { allowedStudyIds } from './filters';
import { centredQuery } from './query-centring';
import type { QueryEmbedder, QueryEmbedderProvider } from './query-embedder';

export interface SearchRequest {
  k: number;
  modelId?: string;
  filters: SearchFilters;
}

export class SemanticSearch {
  private readonly repo: EmbeddingsRepo;
  /** One index per kind (the model last searched): a 100k x 512 index holds 200 MB. */
  private modelsCache: { fileStamp: string; models: EmbeddedModel[] } | null = null;
  private readonly cache = new Map<EmbeddingKind, { modelId: string; fileStamp: string; rowsStamp: string; index: EmbeddingIndex }>();

  constructor(
    private readonly db: Db,
    private readonly embedderFor: QueryEmbedderProvider,
  ) {
    this.repo = new EmbeddingsRepo(db);
  }

  /** Models with image vectors, most recently embedded first (a full-table grouping: cached until the file changes). */
  models(): EmbeddedModel[] {
    const fileStamp = this.fileStamp();
    if (this.modelsCache?.fileStamp === fileStamp) return this.modelsCache.models;
    const all = this.repo.models();
    const models = all
      .filter((m) => m.kind === 'image')
      .map((m) => ({
        modelId: m.modelId,
        checkpointId: m.checkpointId,
        dim: m.dim,
        images: m.count,
        sentences: all.find((s) => s.modelId === m.modelId && s.kind === 'sentence')?.count ?? 0,
      }));
    this.modelsCache = { fileStamp, models };
    return models;
  }

  /** Moves whenever the library file changed: data_version on other connections' commits, total_changes() on this one's. */
  private fileStamp(): string {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    return `${version}:${(this.db.prepare('SELECT total_changes() AS c').get() as { c: number }).c}`;
  }

  async text(request: SearchRequest & { text: string }): Promise<SearchResponse> {
    const started = performance.now();
    const modelId = this.resolveModel(request.modelId);
    const embedder = await this.requireEmbedder(modelId, 'embed the query text');
    const query = this.centred(modelId, 'sentence', await embedder.embedText(request.text));
    return this.rank(modelId, 'text', query.vector, request, undefined, started, query.centred);
  }

  /** Studies like the one holding `instanceId`; that study itself is left out. */
  async similar(request: SearchRequest & { instanceId: number }): Promise<SearchResponse> {
    const started = performance.now();
    const modelId = this.resolveModel(request.modelId);
    const owner = this.db
      .prepare('SELECT se.study_id AS studyId FROM instances i JOIN series se ON se.id = i.series_id WHERE i.id = ?')
      .get(request.instanceId) as { studyId: number } | undefined;
    if (!owner) throw new AppError('not_found', `No image with id ${request.instanceId} in this library.`);
    const stored = this.repo.vectorOf(modelId, 'image', request.instanceId);
    const query = this.centred(modelId, 'image', stored ?? (await (await this.requireEmbedder(modelId, 'embed this image')).embedImage(request.instanceId)));
    return this.rank(modelId, 'image', query.vector, request, owner.studyId, started, query.centred);
  }

  /** The query minus the mean stored embedding of its modality (query-centring.ts); as it is when none are stored. */
  private centred(modelId: string, kind: EmbeddingKind, query: Float32Array): { vector: Float32Array; centred: boolean } {
    const index = this.index(modelId, kind);
    const centred = index.rows > 0 && index.dim === query.length;
    return { vector: centred ? centredQuery(query, index.meanRow()) : query, centred };
  }

  private rank(
    modelId: string,
    kind: 'text' | 'image',
    query: Float32Array,
    request: SearchRequest,
    excludeStudyId: number | undefined,
    started: number,
    centring: boolean,
  ): SearchResponse {
    const images = this.index(modelId, 'image');
    const allowed = allowedStudyIds(this.db, request.filters);
    const top = images.searchStudies(query, { k: request.k, allowedStudyIds: allowed, excludeStudyId });
    const sentences = this.index(modelId, 'sentence');
    const studyOf = this.db.prepare('SELECT study_date AS studyDate, modalities, description FROM studies WHERE id = ?');
    // "index" counts the sentences before it, as the viewer lists them (ORDER BY ordinal).
    const sentenceOf = this.db.prepare(
      `SELECT report_id AS reportId, text, start_offset AS start, end_offset AS end,
        (SELECT count(*) FROM report_sentences o WHERE o.report_id = rs.report_id AND o.ordinal < rs.ordinal) AS "index"
       FROM report_sentences rs WHERE id = ?`,
    );
    const hits: SearchHit[] = top.map((hit) => {
      const study = studyOf.get(hit.studyId) as Pick<SearchHit, 'studyDate' | 'modalities' | 'description'>;
      const best = sentences.bestRowOfStudy(query, hit.studyId, centring ? sentences.meanRow() : undefined);
      const sentenceId = best ? sentences.sentenceIds[best.row]! : 0;
      const sentence = best
        ? (sentenceOf.get(sentenceId) as { reportId: number; text: string; start: number; end: number; index: number } | undefined)
        : undefined;
      return {
        studyId: hit.studyId,
        score: hit.score,
        thumbnailInstanceId: images.instanceIds[hit.row]!,
        studyDate: study.studyDate,
        modalities: study.modalities,
        description: study.description,
        sentence: sentence && best ? { sentenceId, ...sentence, score: best.score } : null,
      };
    });
    return { modelId, query: kind, searched: images.rows, tookMs: performance.now() - started, hits };
  }

  /** The requested model id, or the most recently embedded pretraining checkpoint; not_found when there is none. */
  resolveModel(requested: string | undefined): string {
    const models = this.models();
    if (models.length === 0) {
      throw new AppError(
        'not_found',
        'This library has no image embeddings yet: pretrain a model on it first ("Pretrain on this library", or convirt pretrain), then search.',
      );
    }
    // By default the newest joint-space model: an evaluation's stored encoder features
    // (no checkpoint row, no text side) are searched only when asked for by id.
    if (requested === undefined) return (models.find((m) => m.checkpointId !== null) ?? models[0]!).modelId;
    if (!models.some((m) => m.modelId === requested)) {
      throw new AppError('not_found', `No image embeddings of model "${requested}" in this library; embedded models: ${models.map((m) => m.modelId).join(', ')}.`);
    }
    return requested;
  }

  async requireEmbedder(modelId: string, purpose: string): Promise<QueryEmbedder> {
    const embedder = await this.embedderFor(modelId);
    if (!embedder) {
      throw new AppError('not_implemented', `Model "${modelId}" has stored embeddings, but its encoder cannot be loaded to ${purpose}.`);
    }
    return embedder;
  }

  /**
   * The cached index of a model and kind, reloaded when its rows were added,
   * replaced or removed. Counting a model's rows reads its whole index range,
   * so that check runs only after the file changed at all (fileStamp()).
   */
  private index(modelId: string, kind: EmbeddingKind): EmbeddingIndex {
    const fileStamp = this.fileStamp();
    const cached = this.cache.get(kind);
    if (cached && cached.modelId === modelId && cached.fileStamp === fileStamp) return cached.index;
    const { n, newest } = this.db
      .prepare('SELECT count(*) AS n, max(id) AS newest FROM embeddings WHERE model_id = ? AND kind = ?')
      .get(modelId, kind) as { n: number; newest: number | null };
    const rowsStamp = `${n}:${newest ?? 0}`;
    if (cached && cached.modelId === modelId && cached.rowsStamp === rowsStamp) {
      cached.fileStamp = fileStamp;
      return cached.index;
    }
    this.cache.delete(kind);
    const index = EmbeddingIndex.load(this.repo, modelId, kind);
    this.cache.set(kind, { modelId, fileStamp, rowsStamp, index });
    return index;
  }
}
