/**
 * Writes the demo archive: synthetic patients with chest radiograph studies as
 * DICOM Part 10 files, MIMIC-CXR style report files beside them, and the
 * ground truth as CSV. The archive is built in a temporary sibling folder and
 * renamed into place at the end, so a folder with a manifest is always whole.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../src-shared/result';
import { radiographElements } from './dicom/radiograph';
import { encodePart10, TransferSyntax, type TransferSyntaxUid } from './dicom/writer';
import { type FindingKind, FINDING_KINDS, type StudyPlan, drawStudyPlan } from './findings';
import { dicomId, formatDate, formatTime, subjectFolder, uid } from './identity';
import { BITS_STORED } from './phantom/detector';
import { renderView } from './phantom/render';
import { createRng, deriveSeed } from './random';
import { writeReport } from './report';
import { csvLine } from './csv';

export const MANIFEST_FILE = 'demo-archive.json';
export const ARCHIVE_FORMAT = 1;

export interface ArchiveOptions {
  outDir: string;
  studies: number;
  seed: number;
  /** Image rows and columns (square). */
  size: number;
  onProgress?: (p: ArchiveProgress) => void;
  /** Awaited between studies so a caller's event loop (progress bar, server) keeps running. */
  yieldEvery?: number;
}

export interface ArchiveProgress {
  done: number;
  total: number;
  studiesPerSecond: number;
  etaSeconds: number | null;
}

export interface ArchiveManifest {
  format: number;
  seed: number;
  studies: number;
  size: number;
  patients: number;
  instances: number;
  bytes: number;
  seconds: number;
}

const VIEW_DESCRIPTION = { PA: 'CHEST PA', AP: 'CHEST AP PORTABLE', LL: 'CHEST LATERAL' } as const;

const SYNTAX_MIX: (readonly [TransferSyntaxUid, number])[] = [
  [TransferSyntax.ExplicitLittle, 0.35],
  [TransferSyntax.ImplicitLittle, 0.25],
  [TransferSyntax.DeflatedExplicitLittle, 0.15],
  [TransferSyntax.RleLossless, 0.25],
];

interface PatientPlan {
  subjectId: number;
  studyCount: number;
  sex: 'F' | 'M';
  birthYear: number;
  anatomySeed: number;
}

/** Splits `studies` among patients with 1-3 studies each, deterministically. */
function planPatients(seed: number, studies: number): PatientPlan[] {
  const rng = createRng(deriveSeed(seed, 0, 11));
  const firstSubject = 10_000_000 + Math.floor(rng() * 40_000_000);
  const patients: PatientPlan[] = [];
  let left = studies;
  while (left > 0) {
    const count = Math.min(left, rng.weighted([[1, 0.55], [2, 0.3], [3, 0.15]] as const));
    patients.push({ subjectId: firstSubject + patients.length * 7, studyCount: count, sex: rng.chance(0.5) ? 'F' : 'M', birthYear: rng.int(1930, 1998), anatomySeed: deriveSeed(seed, patients.length, 12) });
    left -= count;
  }
  return patients;
}

export const LABEL_COLUMNS = ['subject_id', 'study_id', 'study_uid', 'accession_number', 'views', 'no_finding', ...FINDING_KINDS, 'uncertain_in_report'] as const;
const FINDING_COLUMNS = ['subject_id', 'study_id', 'study_uid', 'finding', 'side', 'zone', 'severity', 'size_mm', 'devices', 'report_mention'] as const;
const METADATA_COLUMNS = ['dicom_id', 'subject_id', 'study_id', 'study_uid', 'series_uid', 'sop_instance_uid', 'view_position', 'modality', 'transfer_syntax', 'photometric', 'rows', 'columns', 'path'] as const;

function writeAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/** Generates the whole archive into `outDir`, which must not exist yet. */
export async function generateArchive(options: ArchiveOptions): Promise<ArchiveManifest> {
  if (!Number.isInteger(options.studies) || options.studies < 1) throw new AppError('bad_request', `demo archive: --studies must be a positive integer, got ${options.studies}`);
  if (!Number.isInteger(options.size) || options.size < 64 || options.size > 4096) throw new AppError('bad_request', `demo archive: image size must be 64..4096 pixels, got ${options.size}`);
  if (existsSync(options.outDir)) throw new AppError('bad_request', `demo archive: ${options.outDir} already exists`);
  const staging = join(dirname(options.outDir), `.${basename(options.outDir)}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  const labels: string[] = [csvLine(LABEL_COLUMNS)];
  const findingRows: string[] = [csvLine(FINDING_COLUMNS)];
  const metadata: string[] = [csvLine(METADATA_COLUMNS)];
  const patients = planPatients(options.seed, options.studies);
  const studyIdBase = 50_000_000 + (deriveSeed(options.seed, 0, 13) % 40_000_000);
  let done = 0;
  let instances = 0;
  let bytes = 0;
  try {
    for (const patient of patients) {
      let when = Date.UTC(2014, 0, 1) + (deriveSeed(options.seed, patient.subjectId, 14) % (2500 * 86_400_000 / 1000)) * 1000;
      for (let s = 0; s < patient.studyCount; s++) {
        const index = done;
        const rng = createRng(deriveSeed(options.seed, index, 15));
        const plan: StudyPlan = { ...drawStudyPlan(rng), sex: patient.sex };
        when += rng.int(2, 400) * 86_400_000;
        const date = new Date(when);
        plan.age = date.getUTCFullYear() - patient.birthYear;
        const studyId = studyIdBase + index * 3;
        const studyUid = uid(rng);
        const accession = `DEMO${String(deriveSeed(options.seed, index, 16) % 100_000_000).padStart(8, '0')}`;
        const modality = rng.chance(0.5) ? 'CR' : 'DX';
        const studyTime = formatTime(rng);
        const folder = subjectFolder(patient.subjectId);
        const report = writeReport(plan, rng);
        writeAtomic(join(staging, folder, `s${studyId}.txt`), report.text);
        for (const [n, view] of plan.views.entries()) {
          const rendered = renderView(plan, view, patient.anatomySeed, { width: options.size, height: options.size });
          const syntax = rng.weighted(SYNTAX_MIX);
          const photometric = rng.chance(modality === 'CR' ? 0.45 : 0.15) ? 'MONOCHROME1' : 'MONOCHROME2';
          const id = dicomId(rng);
          const seriesUid = uid(rng);
          const sopUid = uid(rng);
          const elements = radiographElements(
            {
              patientId: String(patient.subjectId),
              patientName: `DEMO^SUBJECT ${patient.subjectId}`,
              birthDate: `${patient.birthYear}0101`,
              sex: patient.sex,
              age: plan.age,
              studyUid,
              studyDate: formatDate(date),
              studyTime,
              studyId: String(studyId),
              accessionNumber: accession,
              studyDescription: plan.views.length > 1 ? 'CHEST PA AND LATERAL' : VIEW_DESCRIPTION[view],
              seriesUid,
              seriesNumber: n + 1,
              seriesDescription: VIEW_DESCRIPTION[view],
              sopInstanceUid: sopUid,
              instanceNumber: 1,
              modality,
              viewPosition: view,
            },
            { rows: options.size, columns: options.size, values: rendered.pixels, bitsStored: BITS_STORED, pixelSpacingMm: rendered.pixelSpacingMm, photometric },
            syntax,
          );
          const file = encodePart10(elements, syntax);
          const relative = `${folder}/s${studyId}/${id}.dcm`;
          writeAtomic(join(staging, relative), file);
          metadata.push(csvLine([id, patient.subjectId, studyId, studyUid, seriesUid, sopUid, view, modality, syntax, photometric, options.size, options.size, relative]));
          instances++;
          bytes += file.length;
        }
        const present = new Set<FindingKind>(plan.findings.map((f) => f.kind));
        labels.push(
          csvLine([patient.subjectId, studyId, studyUid, accession, plan.views.join('|'), present.size === 0 ? 1 : 0, ...FINDING_KINDS.map((k) => (present.has(k) ? 1 : 0)), report.uncertain.join('|')]),
        );
        for (const f of plan.findings) {
          findingRows.push(csvLine([patient.subjectId, studyId, studyUid, f.kind, f.side, f.zone, f.severity, f.sizeMm ?? '', (f.devices ?? []).join('|'), report.uncertain.includes(f.kind) ? 'uncertain' : 'positive']));
        }
        done++;
        const seconds = (Date.now() - started) / 1000;
        const rate = seconds > 0 ? done / seconds : 0;
        options.onProgress?.({ done, total: options.studies, studiesPerSecond: rate, etaSeconds: rate > 0 ? (options.studies - done) / rate : null });
        if (done % (options.yieldEvery ?? 1) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    writeAtomic(join(staging, 'labels.csv'), labels.join(''));
    writeAtomic(join(staging, 'findings.csv'), findingRows.join(''));
    writeAtomic(join(staging, 'metadata.csv'), metadata.join(''));
    writeAtomic(join(staging, 'README.txt'), README);
    const manifest: ArchiveManifest = { format: ARCHIVE_FORMAT, seed: options.seed, studies: options.studies, size: options.size, patients: patients.length, instances, bytes, seconds: (Date.now() - started) / 1000 };
    writeAtomic(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    mkdirSync(dirname(options.outDir), { recursive: true });
    renameSync(staging, options.outDir);
    return manifest;
  } catch (cause) {
    rmSync(staging, { recursive: true, force: true });
    throw cause;
  }
}

const README = `ConVIRT Workstation demo archive

Every patient, image and report here is synthetic: drawn by the workstation's
seeded generator (src-main/demo), free of any licence restriction.

files/pXX/pNNNNNNNN/sNNNNNNNN.txt     report of one study (MIMIC-CXR layout)
files/pXX/pNNNNNNNN/sNNNNNNNN/*.dcm   its images (DICOM Part 10, CR or DX)
labels.csv     one row per study: 1/0 per finding as drawn in the image;
               uncertain_in_report names findings the report only hedges
findings.csv   one row per finding: side, zone, severity, size, devices
metadata.csv   one row per image: UIDs, view, transfer syntax, photometric
`;
