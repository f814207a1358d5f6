/**
 * The archive map: a 2-D UMAP of one point per study (its mean image
 * embedding), computed once per model and vector set, then coloured per call
 * by any label. Layouts are seeded, so the same library draws the same map.
 */
import type { MapResponse } from '../../src-shared/contract/search';
import type { Db } from '../db/connection';
import { EmbeddingsRepo } from '../db/embeddings-repo';
import { seededSubsample, studyMeans, umapLayout } from './map-layout';

/** Seed of every layout and subsample: a map must not move between two openings. */
export const MAP_SEED = 42;

interface Layout {
  modelId: string;
  /** Rows and newest row id of the model's image vectors: moves when vectors are added, replaced or removed. */
  rowsStamp: string;
  maxPoints: number;
  studies: number;
  studyIds: number[];
  xy: [number, number][];
}

export class ArchiveMap {
  private readonly repo: EmbeddingsRepo;
  /** Layouts per model id; a few thousand points each, so a handful of models costs little. */
  private readonly cache = new Map<string, Layout>();

  constructor(private readonly db: Db) {
    this.repo = new EmbeddingsRepo(db);
  }

  async map(modelId: string, options: { colourBy?: string; maxPoints: number }): Promise<MapResponse> {
    const started = performance.now();
    const rowsStamp = this.rowsStamp(modelId);
    let layout = this.cache.get(modelId);
    const computed = !layout || layout.rowsStamp !== rowsStamp || layout.maxPoints !== options.maxPoints;
    if (computed) {
      layout = await this.compute(modelId, rowsStamp, options.maxPoints);
      this.cache.set(modelId, layout);
    }
    const { studyIds, xy, studies } = layout!;
    const values = options.colourBy ? this.labelValues(options.colourBy) : new Map<number, string>();
    return {
      modelId,
      method: 'umap',
      studies,
      shown: studyIds.length,
      computed,
      tookMs: performance.now() - started,
      points: studyIds.map((studyId, i) => ({ studyId, x: xy[i]![0], y: xy[i]![1], labelValue: values.get(studyId) ?? null })),
    };
  }

  private rowsStamp(modelId: string): string {
    const { n, newest } = this.db
      .prepare("SELECT count(*) AS n, max(id) AS newest FROM embeddings WHERE model_id = ? AND kind = 'image'")
      .get(modelId) as { n: number; newest: number | null };
    return `${n}:${newest ?? 0}`;
  }

  private async compute(modelId: string, rowsStamp: string, maxPoints: number): Promise<Layout> {
    const loaded = this.repo.loadMatrix(modelId, 'image');
    const means = studyMeans(loaded.matrix, loaded.dim, loaded.studyIds);
    const keep = seededSubsample(means.studyIds.length, maxPoints, MAP_SEED);
    const dim = means.dim;
    const matrix = new Float32Array(keep.length * dim);
    keep.forEach((i, s) => matrix.set(means.matrix.subarray(i * dim, (i + 1) * dim), s * dim));
    const subset = { studyIds: keep.map((i) => means.studyIds[i]!), matrix, dim };
    const xy = await umapLayout(subset, { seed: MAP_SEED });
    return { modelId, rowsStamp, maxPoints, studies: means.studyIds.length, studyIds: subset.studyIds, xy };
  }

  /** Each study's value of a label in any schema: a person's label over an imported one; rule suggestions are not labels. */
  private labelValues(label: string): Map<number, string> {
    const rows = this.db
      .prepare(
        `SELECT study_id AS studyId, value FROM labels WHERE label = ? AND source IN ('human', 'imported')
         ORDER BY study_id, source = 'human' DESC, id DESC`,
      )
      .all(label) as { studyId: number; value: string }[];
    const out = new Map<number, string>();
    for (const row of rows) if (!out.has(row.studyId)) out.set(row.studyId, row.value);
    return out;
  }
}
