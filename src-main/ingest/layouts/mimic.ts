/**
 * MIMIC-CXR-JPG: files/pXX/p<subject>/s<study>/<dicom_id>.jpg, with
 * - reports from MIMIC-CXR: files/pXX/p<subject>/s<study>.txt (in the same tree,
 *   or under options.reports), matched by study id;
 * - labels from mimic-cxr-2.0.0-chexpert.csv(.gz) (subject_id, study_id, the 14
 *   CheXpert observations as 1.0 / 0.0 / -1.0 / blank);
 * - view positions and study dates from mimic-cxr-2.0.0-metadata.csv(.gz) when present.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { normaliseDate } from '../reports/dates';
import { listMimicReportFiles, readTextReport } from '../reports/text-files';
import { CHEXPERT_OBSERVATIONS, CHEXPERT_SCHEMA, chexpertValue } from './chexpert-observations';
import { readCsvTable } from './tables';
import type { LayoutContent, LayoutLabel, LayoutRejection, LayoutStudy } from './types';

const IMAGE_FILE = /\.(jpe?g|png)$/i;
const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface StudyFolder {
  dir: string;
  subjectId: string;
  studyId: string;
  images: string[];
}

function findStudyFolders(root: string): StudyFolder[] {
  const found: StudyFolder[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort(byName);
    const study = /^s(\d+)$/.exec(basename(dir));
    const subject = /^p(\d+)$/.exec(basename(dirname(dir)));
    if (study && subject) {
      const images = entries.filter((e) => e.isFile() && IMAGE_FILE.test(e.name)).map((e) => join(dir, e.name));
      if (images.length > 0) found.push({ dir, subjectId: subject[1] ?? '', studyId: study[1] ?? '', images });
    }
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(root);
  return found;
}

/** The first of name.csv / name.csv.gz found in the root or its parent (when the root is files/). */
function findTable(root: string, name: string): string | null {
  for (const dir of [root, dirname(root)]) for (const file of [`${name}.csv`, `${name}.csv.gz`]) if (existsSync(join(dir, file))) return join(dir, file);
  return null;
}

const idOf = (cell: string | undefined): string => (cell ?? '').trim().replace(/^[ps]/, '').replace(/\.0$/, '');

export function readMimicLayout(root: string, options: { reports?: string } = {}): LayoutContent {
  const rejected: LayoutRejection[] = [];
  const labelsByStudy = new Map<string, LayoutLabel[]>();
  const labelTable = findTable(root, 'mimic-cxr-2.0.0-chexpert');
  for (const { cells, where } of labelTable ? readCsvTable(labelTable) : []) {
    const labels: LayoutLabel[] = [];
    const bad = CHEXPERT_OBSERVATIONS.filter((o) => {
      const value = chexpertValue(cells[o]);
      if (value) labels.push({ schema: CHEXPERT_SCHEMA.name, label: o, value });
      return value === undefined;
    });
    if (bad.length > 0) rejected.push({ path: where, reason: 'bad_row', detail: `not 1, 0, -1 or blank in ${bad.join(', ')}` });
    else labelsByStudy.set(idOf(cells.study_id), labels);
  }
  const views = new Map<string, string>();
  const dates = new Map<string, string>();
  const metadata = findTable(root, 'mimic-cxr-2.0.0-metadata');
  for (const { cells } of metadata ? readCsvTable(metadata) : []) {
    const view = (cells.ViewPosition ?? '').trim();
    if (view) views.set((cells.dicom_id ?? '').trim(), view);
    const date = normaliseDate(cells.StudyDate);
    if (date) dates.set(idOf(cells.study_id), date);
  }
  const reportFiles = new Map(listMimicReportFiles(options.reports ?? root).map((f) => [f.studyId, f.path]));

  const studies: LayoutStudy[] = findStudyFolders(root).map((folder) => {
    const reportPath = reportFiles.get(folder.studyId);
    const text = reportPath ? readTextReport(reportPath) : null;
    return {
      key: `s${folder.studyId}`,
      patient: { key: `mimic:${folder.subjectId}`, id: folder.subjectId },
      studyDate: dates.get(folder.studyId) ?? null,
      description: 'Chest X-ray',
      images: folder.images.map((path) => ({
        path,
        key: relative(folder.dir, path),
        modality: 'DX',
        viewPosition: views.get(basename(path).replace(IMAGE_FILE, '')) ?? null,
      })),
      ...(text !== null && reportPath ? { report: { text, source: 'txt', sourcePath: reportPath } } : {}),
      labels: labelsByStudy.get(folder.studyId) ?? [],
    };
  });
  return { layout: 'mimic', schemas: [CHEXPERT_SCHEMA], studies, rejected };
}
