/**
 * Exact cosine search over one model's vectors of one kind. All rows are
 * scored (an int8 SIMD pass that bounds every score, then float32 scores for
 * the rows that can still reach the top k: scoring-matrix.ts), reduced to the
 * best row per study, and the k best studies are selected with a k-sized heap.
 * `exhaustive` forces the plain float32 scan of every row; both give the same
 * top k.
 *
 * Filters are applied after scoring and before selection: the caller's study
 * filter masks studies, so the result is the exact top k among the allowed
 * studies, never fewer than k when k allowed studies have vectors. Scoring the
 * excluded rows too costs less than gathering a subset of the matrix.
 */
import type { EmbeddingKind, EmbeddingsRepo, LoadedEmbeddings } from '../db/embeddings-repo';
import { normalized } from './l2';
import { meanRow } from './query-centring';
import { ScoringMatrix, type ScoringBackend } from './scoring-matrix';
import { topK, type TopK } from './top-k';

export interface StudyHit {
  studyId: number;
  /** Cosine similarity of the study's best row, in [-1, 1]. */
  score: number;
  /** That row: its instance (images) or sentence (sentences). */
  row: number;
}

export interface StudyQueryOptions {
  k: number;
  /** Only these studies may be returned; undefined = all. */
  allowedStudyIds?: ReadonlySet<number>;
  /** Never return this study (the query's own, for "find similar"). */
  excludeStudyId?: number;
  /** Score every row in float32, skipping the int8 bounds (same results; for checks and benchmarks). */
  exhaustive?: boolean;
}

export class EmbeddingIndex {
  readonly rows: number;
  readonly dim: number;
  readonly studyIds: Int32Array;
  readonly instanceIds: Int32Array;
  readonly sentenceIds: Int32Array;
  /** Dense study numbering: row -> group, group -> study id, and each group's rows (CSR). */
  readonly rowGroup: Int32Array;
  readonly groupStudyIds: Int32Array;
  private readonly groupStart: Int32Array;
  private readonly groupRows: Int32Array;
  private readonly groupOf = new Map<number, number>();
  private readonly groupScore: Float32Array;
  private readonly groupBestRow: Int32Array;
  private mean: Float32Array | null = null;

  constructor(
    readonly matrix: ScoringMatrix,
    columns: Pick<LoadedEmbeddings, 'studyIds' | 'instanceIds' | 'sentenceIds'>,
  ) {
    this.rows = matrix.rows;
    this.dim = matrix.dim;
    this.studyIds = columns.studyIds.subarray(0, this.rows);
    this.instanceIds = columns.instanceIds.subarray(0, this.rows);
    this.sentenceIds = columns.sentenceIds.subarray(0, this.rows);
    this.rowGroup = new Int32Array(this.rows);
    for (let r = 0; r < this.rows; r++) {
      const study = this.studyIds[r]!;
      let g = this.groupOf.get(study);
      if (g === undefined) {
        g = this.groupOf.size;
        this.groupOf.set(study, g);
      }
      this.rowGroup[r] = g;
    }
    const groups = this.groupOf.size;
    this.groupStudyIds = new Int32Array(groups);
    for (const [study, g] of this.groupOf) this.groupStudyIds[g] = study;
    // Counting sort of rows by group: groupRows[groupStart[g] .. groupStart[g + 1]) are g's rows.
    this.groupStart = new Int32Array(groups + 1);
    for (let r = 0; r < this.rows; r++) this.groupStart[this.rowGroup[r]! + 1]!++;
    for (let g = 0; g < groups; g++) this.groupStart[g + 1]! += this.groupStart[g]!;
    this.groupRows = new Int32Array(this.rows);
    const fill = this.groupStart.slice(0, groups);
    for (let r = 0; r < this.rows; r++) this.groupRows[fill[this.rowGroup[r]!]!++] = r;
    this.groupScore = new Float32Array(groups);
    this.groupBestRow = new Int32Array(groups);
  }

  /** Loads a model's vectors of one kind straight into the kernel's memory. */
  static load(repo: EmbeddingsRepo, modelId: string, kind: EmbeddingKind, backend?: ScoringBackend): EmbeddingIndex {
    let matrix: ScoringMatrix | null = null;
    const loaded = repo.loadMatrix(modelId, kind, (rows, dim) => {
      matrix = new ScoringMatrix(rows, Math.max(dim, 1), { backend });
      return matrix.data.subarray(0, rows * dim);
    });
    const m = matrix as ScoringMatrix | null;
    // Rows deleted between count and read (another connection): copy what was read into an exact-size matrix.
    const exact = m && loaded.rows === m.rows ? m : copyRows(loaded, backend);
    exact.prepareQuantized();
    return new EmbeddingIndex(exact, loaded);
  }

  /** Mean of the stored rows (the modality's average embedding, for query centring); computed once. */
  meanRow(): Float32Array {
    this.mean ??= meanRow(this.matrix.data, this.rows, this.dim);
    return this.mean;
  }

  get studyCount(): number {
    return this.groupStudyIds.length;
  }

  hasStudy(studyId: number): boolean {
    return this.groupOf.has(studyId);
  }

  /** The k best rows for a query vector (normalised here), best first. */
  searchRows(query: Float32Array, k: number, options: { allowedRows?: Uint8Array; exhaustive?: boolean } = {}): TopK {
    if (this.rows === 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const q = normalized(query);
    const scores = options.exhaustive
      ? this.matrix.score(q)
      : this.matrix.scoreBounded(q, (lower) => kth(topK(lower, k, options.allowedRows), k));
    return dropUnreachable(topK(scores, k, options.allowedRows));
  }

  /** The k best studies, each scored by its best row. */
  searchStudies(query: Float32Array, options: StudyQueryOptions): StudyHit[] {
    if (this.rows === 0) return [];
    const q = normalized(query);
    const mask = this.studyMask(options);
    const scores = options.exhaustive
      ? this.matrix.score(q)
      : this.matrix.scoreBounded(q, (lower) => {
          this.reduceToStudies(lower);
          return kth(topK(this.groupScore, options.k, mask), options.k);
        });
    this.reduceToStudies(scores);
    const top = dropUnreachable(topK(this.groupScore, options.k, mask));
    return Array.from(top.indices, (g, i) => ({ studyId: this.groupStudyIds[g]!, score: top.scores[i]!, row: this.groupBestRow[g]! }));
  }

  /** groupScore[g] = max of the row scores of study g; groupBestRow[g] = that row. */
  private reduceToStudies(scores: Float32Array): void {
    const groupScore = this.groupScore.fill(-Infinity);
    const best = this.groupBestRow.fill(-1);
    const rowGroup = this.rowGroup;
    for (let r = 0; r < this.rows; r++) {
      const g = rowGroup[r]!;
      const s = scores[r]!;
      if (s > groupScore[g]!) {
        groupScore[g] = s;
        best[g] = r;
      }
    }
  }

  /**
   * The best row of one study for a query (e.g. its best-matching sentence) by
   * cosine, or null when it has none. With `centre`, rows are compared as
   * row - centre (the query comes centred by its caller, query-centring.ts), so
   * a sentence queried verbatim still matches itself at cosine 1.
   */
  bestRowOfStudy(query: Float32Array, studyId: number, centre?: Float32Array): { row: number; score: number } | null {
    const g = this.groupOf.get(studyId);
    if (g === undefined) return null;
    const q = normalized(query);
    let bestRow = -1;
    let bestScore = -Infinity;
    for (let i = this.groupStart[g]!; i < this.groupStart[g + 1]!; i++) {
      const r = this.groupRows[i]!;
      const row = this.matrix.row(r);
      let dot = 0;
      let norm = 0;
      for (let j = 0; j < this.dim; j++) {
        const x = centre ? row[j]! - centre[j]! : row[j]!;
        dot += x * q[j]!;
        norm += x * x;
      }
      // Stored rows are unit length; centred ones are not.
      const s = centre ? (norm > 0 ? dot / Math.sqrt(norm) : 0) : dot;
      if (s > bestScore) {
        bestScore = s;
        bestRow = r;
      }
    }
    return { row: bestRow, score: bestScore };
  }

  private studyMask(options: StudyQueryOptions): Uint8Array | undefined {
    const { allowedStudyIds, excludeStudyId } = options;
    if (!allowedStudyIds && excludeStudyId === undefined) return undefined;
    const mask = new Uint8Array(this.groupStudyIds.length);
    if (allowedStudyIds) {
      for (const id of allowedStudyIds) {
        const g = this.groupOf.get(id);
        if (g !== undefined) mask[g] = 1;
      }
    } else {
      mask.fill(1);
    }
    const excluded = excludeStudyId === undefined ? undefined : this.groupOf.get(excludeStudyId);
    if (excluded !== undefined) mask[excluded] = 0;
    return mask;
  }
}

/** The k-th best score of a selection, or -Infinity when it has fewer than k. */
function kth(top: TopK, k: number): number {
  return top.scores.length < k ? -Infinity : top.scores[k - 1]!;
}

/** Rows and studies the bounds ruled out score -Infinity; they are never results. */
function dropUnreachable(top: TopK): TopK {
  let n = top.scores.length;
  while (n > 0 && top.scores[n - 1] === -Infinity) n--;
  return n === top.scores.length ? top : { indices: top.indices.subarray(0, n), scores: top.scores.subarray(0, n) };
}

function copyRows(loaded: LoadedEmbeddings, backend?: ScoringBackend): ScoringMatrix {
  const matrix = new ScoringMatrix(loaded.rows, Math.max(loaded.dim, 1), { backend });
  matrix.data.set(loaded.matrix.subarray(0, loaded.rows * loaded.dim));
  return matrix;
}
