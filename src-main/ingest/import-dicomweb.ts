/**
 * Import from a PACS over DICOMweb: QIDO-RS finds the studies and their
 * series, WADO-RS retrieves each series as Part 10 files (multipart/related),
 * which are written under a folder beside the library (the library stores
 * paths; pixels stay in files) and imported like local files: one
 * transaction per study, idempotent. A study whose instance count already
 * matches the server's is not retrieved again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Db } from '../db/connection';
import { AppError } from '../../src-shared/result';
import { importDicom, type ImportOptions, type ImportSummary } from './import-pipeline';

export interface DicomWebOptions extends ImportOptions {
  /** Where retrieved files are kept; default `<library folder>/<library name>.dicomweb`. */
  storeDir: string;
  /** Studies per QIDO-RS page. */
  pageSize?: number;
}

export interface DicomWebSummary extends ImportSummary {
  studiesFound: number;
  studiesRetrieved: number;
  filesRetrieved: number;
}

type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export function dicomWebStoreFor(libraryPath: string): string {
  return join(dirname(libraryPath), `${basename(libraryPath, extname(libraryPath))}.dicomweb`);
}

function value(item: DicomJson, tag: string): string | null {
  const v = item[tag]?.Value?.[0];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

async function get(url: string, accept: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: accept } });
  } catch (cause) {
    throw new AppError('not_found', `DICOMweb server ${new URL(url).origin} cannot be reached (${(cause as Error).message})`);
  }
  if (!response.ok) throw new AppError('not_found', `DICOMweb request ${new URL(url).pathname} failed: HTTP ${response.status}`);
  return response;
}

async function qido(url: string): Promise<DicomJson[]> {
  const response = await get(url, 'application/dicom+json');
  const text = await response.text();
  if (text.trim() === '') return []; // 204 No Content: nothing matches
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new AppError('internal', `QIDO-RS answer from ${new URL(url).pathname} is not a JSON array`);
  return parsed as DicomJson[];
}

/** The bodies of a multipart/related response, in order. */
export function parseMultipartRelated(body: Buffer, contentType: string): Buffer[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new AppError('internal', 'WADO-RS answer is not multipart: no boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const after = pos + delimiter.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) break; // closing delimiter "--boundary--"
    const headersEnd = body.indexOf('\r\n\r\n', after);
    if (headersEnd < 0) break;
    const start = headersEnd + 4;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    if (next < 0) throw new AppError('internal', 'WADO-RS answer ends inside a part');
    parts.push(body.subarray(start, next));
    pos = next + 2;
  }
  return parts;
}

function writeAtomically(path: string, data: Uint8Array): void {
  if (existsSync(path)) return; // content-addressed: same name, same bytes
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export async function importDicomWeb(db: Db, baseUrl: string, options: DicomWebOptions): Promise<DicomWebSummary> {
  const base = baseUrl.replace(/\/+$/, '');
  const pageSize = options.pageSize ?? 100;
  const localCount = db.prepare(
    'SELECT count(*) AS n FROM instances i JOIN series se ON se.id = i.series_id JOIN studies s ON s.id = se.study_id WHERE s.study_uid = ?',
  );
  const studies: { uid: string; instances: number | null }[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await qido(`${base}/studies?limit=${pageSize}&offset=${offset}&includefield=00201208`);
    for (const item of page) {
      const uid = value(item, '0020000D');
      const n = value(item, '00201208');
      if (uid) studies.push({ uid, instances: n === null ? null : Number(n) });
    }
    if (page.length < pageSize) break;
  }
  const summary: DicomWebSummary = {
    filesSeen: 0,
    filesSkipped: 0,
    instancesAdded: 0,
    instancesUpdated: 0,
    instancesUnchanged: 0,
    duplicates: 0,
    reportsAdded: 0,
    reportsUpdated: 0,
    reportsUnchanged: 0,
    rejected: [],
    elapsedSeconds: 0,
    bytesRead: 0,
    studiesFound: studies.length,
    studiesRetrieved: 0,
    filesRetrieved: 0,
  };
  const started = performance.now();
  const expectedFiles = studies.reduce((sum, s) => sum + (s.instances ?? 1), 0);
  let filesDone = 0;
  const report = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? filesDone / elapsed : 0;
    options.onProgress?.({
      filesDone,
      filesTotal: Math.max(expectedFiles, filesDone),
      bytesDone: summary.bytesRead,
      bytesTotal: summary.bytesRead,
      rejected: summary.rejected.length,
      elapsedSeconds: elapsed,
      filesPerSecond: rate,
      bytesPerSecond: elapsed > 0 ? summary.bytesRead / elapsed : 0,
      etaSeconds: rate > 0 ? Math.max(0, expectedFiles - filesDone) / rate : null,
    });
  };
  report();
  for (const study of studies) {
    if (options.signal?.aborted) throw new AppError('cancelled', 'The import was cancelled; studies already stored stay in the library.');
    const have = (localCount.get(study.uid) as { n: number }).n;
    if (study.instances !== null && have >= study.instances && have > 0) {
      filesDone += study.instances;
      report();
      continue;
    }
    const folder = join(options.storeDir, study.uid.replace(/[^0-9.]/g, '_'));
    mkdirSync(folder, { recursive: true });
    const series = await qido(`${base}/studies/${study.uid}/series`);
    for (const s of series) {
      const seriesUid = value(s, '0020000E');
      if (!seriesUid) continue;
      const response = await get(`${base}/studies/${study.uid}/series/${seriesUid}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
      const parts = parseMultipartRelated(Buffer.from(await response.arrayBuffer()), response.headers.get('content-type') ?? '');
      for (const part of parts) {
        writeAtomically(join(folder, `${createHash('sha256').update(part).digest('hex').slice(0, 32)}.dcm`), part);
        summary.filesRetrieved++;
      }
    }
    summary.studiesRetrieved++;
    const r = await importDicom(db, [folder], { ...options, onProgress: undefined, source: options.source ?? 'dicomweb' });
    summary.filesSeen += r.filesSeen;
    summary.filesSkipped += r.filesSkipped;
    summary.instancesAdded += r.instancesAdded;
    summary.instancesUpdated += r.instancesUpdated;
    summary.instancesUnchanged += r.instancesUnchanged;
    summary.duplicates += r.duplicates;
    summary.reportsAdded += r.reportsAdded;
    summary.reportsUpdated += r.reportsUpdated;
    summary.reportsUnchanged += r.reportsUnchanged;
    summary.rejected.push(...r.rejected);
    summary.bytesRead += r.bytesRead;
    filesDone += r.filesSeen;
    report();
  }
  summary.elapsedSeconds = (performance.now() - started) / 1000;
  return summary;
}
