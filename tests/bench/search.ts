/**
 * `npm run bench -- search [--sizes 10000,100000] [--queries 40]`: query latency
 * of exact cosine top-10 at 512 dimensions, p50 and p95, for the path search
 * uses (int8 SIMD bounds, then float32 rescoring of the rows that can reach the
 * top 10), the full float32 WebAssembly SIMD scan, the unrolled JS fallback
 * and a plain brute-force peer (an Array of row vectors, every score sorted)
 * in the same run, on seeded random unit
 * vectors and on clustered vectors (queries near the clusters, so the top 10
 * is meaningful). load_1m records the machine's load average when the row
 * was measured: absolute times on a shared machine scale with it. Each row also checks that the fast paths return the peer's
 * top 10 (recall@10 against the plain loop; both are exact, so it must be 1).
 */
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './main';
import { openLibrary } from '../../src-main/db/connection';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import { SemanticSearch } from '../../src-main/search/semantic-search';
import { ScoringMatrix, type ScoringBackend } from '../../src-main/search/scoring-matrix';
import { topK } from '../../src-main/search/top-k';
import { fillClustered, fillRandomUnit, mulberry32 } from '../search/seeded';

const DIM = 512;
const K = 10;

export const description = 'exact top-10 cosine search latency (ms) at 512-d: wasm SIMD, JS unrolled, plain brute force';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The peer: what one writes first. Rows as separate arrays, every score kept and sorted. */
function plainSearch(rows: Float32Array[], query: Float32Array, k: number): number[] {
  const scored = rows.map((row, index) => {
    let s = 0;
    for (let j = 0; j < row.length; j++) s += row[j]! * query[j]!;
    return { index, s };
  });
  scored.sort((a, b) => b.s - a.s);
  return scored.slice(0, k).map((x) => x.index);
}

function time(queries: Float32Array[], search: (q: Float32Array) => number[]): { p50: number; p95: number; results: number[][] } {
  for (const q of queries.slice(0, 3)) search(q); // warm-up: JIT and page faults
  const times: number[] = [];
  const results: number[][] = [];
  for (const q of queries) {
    const t0 = performance.now();
    results.push(search(q));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), results };
}

function recallAt(k: number, got: number[][], want: number[][]): number {
  let hit = 0;
  got.forEach((g, i) => {
    const w = new Set(want[i]!.slice(0, k));
    hit += g.slice(0, k).filter((x) => w.has(x)).length;
  });
  return hit / (k * got.length);
}

export async function run(args: string[]): Promise<BenchRow[]> {
  const sizes = arg(args, 'sizes', '10000,100000').split(',').map(Number);
  const queryCount = Number(arg(args, 'queries', '40'));
  const rowsOut: BenchRow[] = [];
  for (const n of sizes) {
    for (const data of ['random', 'clustered'] as const) {
      const rand = mulberry32(n + (data === 'random' ? 1 : 2));
      const matrices = new Map<ScoringBackend, ScoringMatrix>();
      for (const backend of ['wasm-simd', 'js'] as const) matrices.set(backend, new ScoringMatrix(n, DIM, { backend }));
      const first = matrices.get('wasm-simd')!;
      // Clustered: 200 centres, noise comparable to the centre norm; queries from the same centres.
      const queriesFlat = new Float32Array(queryCount * DIM);
      if (data === 'random') {
        fillRandomUnit(first.data, DIM, rand);
        fillRandomUnit(queriesFlat, DIM, rand);
      } else {
        const both = new Float32Array((n + queryCount) * DIM);
        fillClustered(both, DIM, rand, 200, 1);
        first.data.set(both.subarray(0, n * DIM));
        queriesFlat.set(both.subarray(n * DIM));
      }
      matrices.get('js')!.data.set(first.data);
      const queries = Array.from({ length: queryCount }, (_, i) => queriesFlat.subarray(i * DIM, (i + 1) * DIM));
      const plainRows = Array.from({ length: n }, (_, r) => Float32Array.from(first.data.subarray(r * DIM, (r + 1) * DIM)));

      const plain = time(queries, (q) => plainSearch(plainRows, q, K));
      rowsOut.push({ rows: n, dim: DIM, data, method: 'plain brute force (peer)', p50_ms: plain.p50, p95_ms: plain.p95, speedup_p50: 1, recall_at_10: 1, load_1m: loadavg()[0]! });
      const quantizeStarted = performance.now();
      first.prepareQuantized();
      const quantizeMs = performance.now() - quantizeStarted;
      let rescored = 0;
      const bounded = time(queries, (q) => {
        const scores = first.scoreBounded(q, (lower) => {
          const t = topK(lower, K);
          return t.scores.length < K ? -Infinity : t.scores[K - 1]!;
        });
        rescored += first.lastRescored;
        return Array.from(topK(scores, K).indices);
      });
      rowsOut.push({
        rows: n,
        dim: DIM,
        data,
        method: 'exact int8-bounded + f32 rescoring (used by search)',
        p50_ms: bounded.p50,
        p95_ms: bounded.p95,
        speedup_p50: plain.p50 / bounded.p50,
        recall_at_10: recallAt(K, bounded.results, plain.results),
        rescored_rows_mean: rescored / (queries.length + 3),
        build_int8_ms: quantizeMs,
        load_1m: loadavg()[0]!,
      });
      for (const [backend, matrix] of matrices) {
        const r = time(queries, (q) => Array.from(topK(matrix.score(q), K).indices));
        rowsOut.push({
          rows: n,
          dim: DIM,
          data,
          method: `exact ${backend} full f32 scan`,
          p50_ms: r.p50,
          p95_ms: r.p95,
          speedup_p50: plain.p50 / r.p50,
          recall_at_10: recallAt(K, r.results, plain.results),
          load_1m: loadavg()[0]!,
        });
      }
      process.stderr.write(`  ${n} ${data}: done\n`);
    }
  }
  if (args.includes('--service')) rowsOut.push(...(await serviceRows(Number(arg(args, 'service-rows', '100000')), queryCount)));
  return rowsOut;
}

/**
 * `--service`: the whole "find similar" request through SemanticSearch on a
 * real library file (one study and image per vector): index load once, then
 * per query the stored query vector, study selection, thumbnail and details.
 */
async function serviceRows(n: number, queryCount: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'convirt-bench-search-'));
  try {
    const db = openLibrary(join(dir, 'library.sqlite'));
    const patient = db.prepare("INSERT INTO patients (patient_key) VALUES ('bench') RETURNING id").get() as { id: number };
    db.transaction(() => {
      const study = db.prepare('INSERT INTO studies (patient_id, study_uid, modalities) VALUES (?, ?, ?) RETURNING id');
      const series = db.prepare("INSERT INTO series (study_id, series_uid, modality) VALUES (?, ?, 'CR') RETURNING id");
      const instance = db.prepare("INSERT INTO instances (series_id, sop_instance_uid, path, content_hash, size_bytes) VALUES (?, ?, '/bench', 'h', 1)");
      for (let i = 0; i < n; i++) {
        const s = study.get(patient.id, `1.9.${i}`, 'CR') as { id: number };
        const se = series.get(s.id, `1.9.${i}.1`) as { id: number };
        instance.run(se.id, `1.9.${i}.1.1`);
      }
    })();
    const repo = new EmbeddingsRepo(db);
    const rand = mulberry32(n + 3);
    const block = new Float32Array(1000 * DIM);
    const written = performance.now();
    for (let start = 0; start < n; start += 1000) {
      const count = Math.min(1000, n - start);
      fillClustered(block, DIM, rand, 200, 1);
      repo.writeBatch({ modelId: 'bench' }, 'image', Array.from({ length: count }, (_, i) => ({ studyId: start + i + 1, instanceId: start + i + 1, vector: block.subarray(i * DIM, (i + 1) * DIM) })));
    }
    const writeMs = performance.now() - written;
    const search = new SemanticSearch(db, () => null);
    const loadStarted = performance.now();
    await search.similar({ instanceId: 1, k: K, filters: {} });
    const loadMs = performance.now() - loadStarted;
    const times: number[] = [];
    for (let q = 0; q < queryCount; q++) {
      const t0 = performance.now();
      await search.similar({ instanceId: 1 + Math.floor(rand() * n), k: K, filters: {} });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    db.close();
    return [
      {
        rows: n,
        dim: DIM,
        data: 'clustered, in SQLite',
        method: 'service: find similar (SemanticSearch.similar)',
        p50_ms: percentile(times, 50),
        p95_ms: percentile(times, 95),
        write_all_ms: writeMs,
        first_query_with_index_load_ms: loadMs,
        load_1m: loadavg()[0]!,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
