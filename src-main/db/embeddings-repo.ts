/**
 * Embedding vectors in the library: written in batches, one transaction per
 * batch, as upserts keyed by (model, kind, item) (migration 003), so a batch
 * re-run after a crash or a re-embed of the same item replaces, never
 * duplicates. Reading a model's vectors fills one contiguous float32 matrix
 * [rows, dim] plus int32 row -> item columns: no object per row, so 100k
 * rows cost their bytes and little more.
 */
import { AppError } from '../../src-shared/result';
import { normalizeRowsInPlace } from '../search/l2';
import type { Db } from './connection';

export type EmbeddingKind = 'image' | 'sentence' | 'report';

/** One vector to store. `studyId` always; `instanceId` for images, `sentenceId` for sentences. */
export interface EmbeddingItem {
  studyId: number;
  instanceId?: number | null;
  sentenceId?: number | null;
  vector: Float32Array;
}

export interface EmbeddingModelRef {
  /** Identifies encoder + checkpoint, e.g. "run-3/ckpt-12". */
  modelId: string;
  checkpointId?: number | null;
}

export interface StoredModel {
  modelId: string;
  kind: EmbeddingKind;
  checkpointId: number | null;
  dim: number;
  count: number;
}

/** A model's vectors of one kind; row r belongs to studyIds[r] / instanceIds[r] / sentenceIds[r] (0 = none). */
export interface LoadedEmbeddings {
  rows: number;
  dim: number;
  matrix: Float32Array;
  studyIds: Int32Array;
  instanceIds: Int32Array;
  sentenceIds: Int32Array;
}

/** Must equal the expression of the unique index embeddings_item, so SQLite uses it. */
const ITEM_KEY = 'coalesce(instance_id, sentence_id, study_id)';
/**
 * Item ids of one kind embedded by the model bound to `?`. Used as `NOT IN
 * (...)`: SQLite evaluates it once through the unique index (a correlated NOT
 * EXISTS cannot use the expression index and would scan per item). The IS NOT
 * NULL guard keeps NOT IN from matching nothing if a foreign row lacks ids.
 */
function embeddedItems(kind: EmbeddingKind): string {
  return `SELECT ${ITEM_KEY} FROM embeddings WHERE model_id = ? AND kind = '${kind}' AND ${ITEM_KEY} IS NOT NULL`;
}

export class EmbeddingsRepo {
  private readonly upsertStmt;

  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT OR REPLACE INTO embeddings (model_id, checkpoint_id, kind, study_id, instance_id, sentence_id, dim, vector)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  /** Stores a batch in one transaction: all of it lands, or none. Returns the rows written. */
  writeBatch(model: EmbeddingModelRef, kind: EmbeddingKind, items: readonly EmbeddingItem[]): number {
    if (!model.modelId) throw new AppError('bad_request', 'An embedding batch needs a model id.');
    const dim = items[0]?.vector.length ?? 0;
    const stored = this.dimOf(model.modelId, kind);
    items.forEach((item, i) => validateItem(kind, item, i, stored ?? dim));
    const write = this.db.transaction(() => {
      for (const item of items) {
        const v = item.vector;
        this.upsertStmt.run(
          model.modelId,
          model.checkpointId ?? null,
          kind,
          item.studyId,
          kind === 'image' ? item.instanceId : null,
          kind === 'sentence' ? item.sentenceId : null,
          v.length,
          // Float32Array bytes are the platform's order: little-endian on every target Electron ships.
          Buffer.from(v.buffer, v.byteOffset, v.byteLength),
        );
      }
      return items.length;
    });
    return write();
  }

  /** Dimension of what is stored for this model and kind, or null when nothing is. */
  dimOf(modelId: string, kind: EmbeddingKind): number | null {
    const row = this.db.prepare('SELECT dim FROM embeddings WHERE model_id = ? AND kind = ? LIMIT 1').get(modelId, kind) as
      | { dim: number }
      | undefined;
    return row?.dim ?? null;
  }

  count(modelId: string, kind: EmbeddingKind): number {
    return (this.db.prepare('SELECT count(*) AS n FROM embeddings WHERE model_id = ? AND kind = ?').get(modelId, kind) as { n: number }).n;
  }

  /** Every model with stored vectors, per kind; newest checkpoint first. */
  models(): StoredModel[] {
    return this.db
      .prepare(
        `SELECT model_id AS modelId, kind, max(checkpoint_id) AS checkpointId, max(dim) AS dim, count(*) AS count, max(id) AS newest
         FROM embeddings GROUP BY model_id, kind ORDER BY newest DESC`,
      )
      .all()
      .map((r) => {
        const { newest: _newest, ...model } = r as StoredModel & { newest: number };
        return model;
      });
  }

  /** Instances (with their study) that have no image vector for this model: what an incremental pass embeds. */
  missingImages(modelId: string, limit = -1): { instanceId: number; studyId: number }[] {
    return this.db
      .prepare(
        `SELECT i.id AS instanceId, se.study_id AS studyId FROM instances i JOIN series se ON se.id = i.series_id
         WHERE i.id NOT IN (${embeddedItems('image')})
         ORDER BY i.id LIMIT ?`,
      )
      .all(modelId, limit) as { instanceId: number; studyId: number }[];
  }

  /** Report sentences (with text and study) that have no sentence vector for this model. */
  missingSentences(modelId: string, limit = -1): { sentenceId: number; studyId: number; text: string }[] {
    return this.db
      .prepare(
        `SELECT rs.id AS sentenceId, r.study_id AS studyId, rs.text FROM report_sentences rs JOIN reports r ON r.id = rs.report_id
         WHERE rs.id NOT IN (${embeddedItems('sentence')})
         ORDER BY rs.id LIMIT ?`,
      )
      .all(modelId, limit) as { sentenceId: number; studyId: number; text: string }[];
  }

  /** The stored vector of one item (instance, sentence or study id by kind), or null. */
  vectorOf(modelId: string, kind: EmbeddingKind, itemId: number): Float32Array | null {
    const row = this.db
      .prepare(`SELECT vector FROM embeddings WHERE model_id = ? AND kind = ? AND ${ITEM_KEY} = ?`)
      .get(modelId, kind, itemId) as { vector: Buffer } | undefined;
    return row ? floatsOf(row.vector) : null;
  }

  /**
   * Loads every vector of a model and kind into `alloc(rows * dim)` (default a
   * new Float32Array; the search index passes memory its kernel reads in place),
   * rows in id order, each L2-normalised. Rows of another dim than the first are
   * a corrupt library: AppError.
   */
  loadMatrix(modelId: string, kind: EmbeddingKind, alloc: (rows: number, dim: number) => Float32Array = (r, d) => new Float32Array(r * d)): LoadedEmbeddings {
    const rows = this.count(modelId, kind);
    const dim = this.dimOf(modelId, kind) ?? 0;
    const matrix = alloc(rows, dim);
    if (matrix.length !== rows * dim) throw new AppError('internal', `loadMatrix: alloc gave ${matrix.length} floats for ${rows} x ${dim}.`);
    const studyIds = new Int32Array(rows);
    const instanceIds = new Int32Array(rows);
    const sentenceIds = new Int32Array(rows);
    const stmt = this.db
      .prepare(
        `SELECT study_id, instance_id, sentence_id, dim, vector FROM embeddings WHERE model_id = ? AND kind = ? ORDER BY id`,
      )
      .raw(true);
    let r = 0;
    // A reader in another connection may add rows after count(): stop at the counted rows.
    for (const raw of stmt.iterate(modelId, kind) as IterableIterator<[number | null, number | null, number | null, number, Buffer]>) {
      if (r === rows) break;
      const [studyId, instanceId, sentenceId, rowDim, vector] = raw;
      if (rowDim !== dim || vector.byteLength !== dim * 4) {
        throw new AppError('internal', `Embeddings of model ${modelId} (${kind}) mix dimensions ${dim} and ${rowDim}: re-embed the library.`);
      }
      const target = matrix.subarray(r * dim, (r + 1) * dim);
      // A byte copy (the blob need not be 4-byte aligned); float32 LE as written, on a little-endian host.
      new Uint8Array(target.buffer, target.byteOffset, dim * 4).set(vector);
      normalizeRowsInPlace(target, dim);
      studyIds[r] = studyId ?? 0;
      instanceIds[r] = instanceId ?? 0;
      sentenceIds[r] = sentenceId ?? 0;
      r++;
    }
    return { rows: r, dim, matrix: r === rows ? matrix : matrix.subarray(0, r * dim), studyIds, instanceIds, sentenceIds };
  }

  /** Removes a model's vectors (all kinds); returns the rows removed. */
  deleteModel(modelId: string): number {
    return this.db.prepare('DELETE FROM embeddings WHERE model_id = ?').run(modelId).changes;
  }
}

function validateItem(kind: EmbeddingKind, item: EmbeddingItem, index: number, dim: number): void {
  const where = `embedding batch item ${index} (${kind})`;
  if (!Number.isInteger(item.studyId) || item.studyId <= 0) throw new AppError('bad_request', `${where}: needs a study id.`);
  if (kind === 'image' && !(Number.isInteger(item.instanceId) && item.instanceId! > 0)) {
    throw new AppError('bad_request', `${where}: an image vector needs an instance id.`);
  }
  if (kind === 'sentence' && !(Number.isInteger(item.sentenceId) && item.sentenceId! > 0)) {
    throw new AppError('bad_request', `${where}: a sentence vector needs a sentence id.`);
  }
  if (item.vector.length === 0 || item.vector.length !== dim) {
    throw new AppError('bad_request', `${where}: has ${item.vector.length} dimensions, expected ${dim}.`);
  }
  for (let j = 0; j < item.vector.length; j++) {
    if (!Number.isFinite(item.vector[j]!)) throw new AppError('bad_request', `${where}: value ${j} is not finite.`);
  }
}

function floatsOf(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  for (let j = 0; j < out.length; j++) out[j] = blob.readFloatLE(j * 4);
  return out;
}
