/**
 * The archive map: a 2-D UMAP of one point per study (its mean image
 * embedding), computed once per model (checkpoint) and vector set in a worker
 * thread, so the workstation answers other requests meanwhile, then coloured
 * per call by any label. Layouts are seeded, so the same library draws the
 * same map; they are kept in memory and on disk beside the library
 * (map-cache.ts), and calls that arrive while one is computed share it.
 */
import type { JobEvent } from '../../src-shared/contract/events';
import type { MapResponse } from '../../src-shared/contract/search';
import type { Db } from '../db/connection';
import { EmbeddingsRepo } from '../db/embeddings-repo';
import { readStoredLayout, writeStoredLayout } from './map-cache';
import { seededSubsample, studyMeans } from './map-layout';
import { layoutInThread } from './map-thread';

/** Seed of every layout and subsample: a map must not move between two openings. */
export const MAP_SEED = 42;

/** UMAP epochs done of the layout of `modelId`, for a progress bar. */
export type MapProgress = (progress: { modelId: string; epoch: number; epochs: number }) => void;

/** Map progress as the job event the doors carry (kind 'map', job `map-<model id>`). */
export function mapProgressEvent(progress: Parameters<MapProgress>[0]): JobEvent {
  return { type: 'progress', jobId: `map-${progress.modelId}`, kind: 'map', done: progress.epoch, total: progress.epochs, rate: null, etaSeconds: null, message: 'laying out the map' };
}

export interface ArchiveMapOptions {
  /** Folder of the on-disk layouts (mapCacheDirFor); null keeps them in memory only. */
  cacheDir?: string | null;
  onProgress?: MapProgress;
}

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
  /** Layouts being computed, by layout key: a second caller waits for the same one. */
  private readonly pending = new Map<string, Promise<Layout>>();

  constructor(
    private readonly db: Db,
    private readonly options: ArchiveMapOptions = {},
  ) {
    this.repo = new EmbeddingsRepo(db);
  }

  async map(modelId: string, options: { colourBy?: string; maxPoints: number }): Promise<MapResponse> {
    const started = performance.now();
    const rowsStamp = this.rowsStamp(modelId);
    let layout = this.cache.get(modelId);
    let computed = false;
    if (!layout || layout.rowsStamp !== rowsStamp || layout.maxPoints !== options.maxPoints) {
      const key = JSON.stringify([modelId, rowsStamp, options.maxPoints, MAP_SEED]);
      const stored = this.options.cacheDir ? readStoredLayout(this.options.cacheDir, modelId, key) : null;
      if (stored) {
        layout = { modelId, rowsStamp, maxPoints: options.maxPoints, studies: stored.studies, studyIds: stored.studyIds, xy: stored.xy };
      } else {
        layout = await this.computeOnce(key, modelId, rowsStamp, options.maxPoints);
        computed = true;
      }
      this.cache.set(modelId, layout);
    }
    const { studyIds, xy, studies } = layout;
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

  /** Computes the layout of `key` once: callers that arrive meanwhile wait for the same computation. */
  private computeOnce(key: string, modelId: string, rowsStamp: string, maxPoints: number): Promise<Layout> {
    let pending = this.pending.get(key);
    if (!pending) {
      const { cacheDir } = this.options;
      pending = this.compute(modelId, rowsStamp, maxPoints).then((layout) => {
        if (cacheDir) writeStoredLayout(cacheDir, modelId, { key, studies: layout.studies, studyIds: layout.studyIds, xy: layout.xy });
        return layout;
      });
      this.pending.set(key, pending);
      void pending.finally(() => this.pending.delete(key)).catch(() => undefined);
    }
    return pending;
  }

  private async compute(modelId: string, rowsStamp: string, maxPoints: number): Promise<Layout> {
    const loaded = this.repo.loadMatrix(modelId, 'image');
    const means = studyMeans(loaded.matrix, loaded.dim, loaded.studyIds);
    const keep = seededSubsample(means.studyIds.length, maxPoints, MAP_SEED);
    const dim = means.dim;
    const matrix = new Float32Array(keep.length * dim);
    keep.forEach((i, s) => matrix.set(means.matrix.subarray(i * dim, (i + 1) * dim), s * dim));
    const subset = { studyIds: keep.map((i) => means.studyIds[i]!), matrix, dim };
    const xy = await layoutInThread(subset, MAP_SEED, (epoch, epochs) => this.options.onProgress?.({ modelId, epoch, epochs }));
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
