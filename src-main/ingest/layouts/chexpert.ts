/**
 * CheXpert (Stanford): train.csv / valid.csv next to the images, one row per
 * image: Path (e.g. CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg),
 * Sex, Age, Frontal/Lateral, AP/PA and the 14 observations (1 / 0 / -1 / blank).
 * A study is a patientNNNNN/studyN folder; its labels are the observations of
 * its rows (CheXpert labels studies, so they repeat on each image's row).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CHEXPERT_OBSERVATIONS, CHEXPERT_SCHEMA, chexpertValue } from './chexpert-observations';
import { readCsvTable } from './tables';
import type { LayoutContent, LayoutLabel, LayoutRejection, LayoutStudy } from './types';

export const CHEXPERT_TABLES = ['train.csv', 'valid.csv', 'test.csv'];

/** The root-relative form of a table path: without its first folder (the dataset's own folder name). */
const withoutTopFolder = (p: string): string => p.split('/').slice(1).join('/');

/** Finds how the table's paths resolve: from the root, from its parent, or without their top folder. */
function pathResolver(root: string, firstPath: string): (p: string) => string {
  const candidates = [(p: string) => join(root, p), (p: string) => join(dirname(root), p), (p: string) => join(root, withoutTopFolder(p))];
  return candidates.find((c) => existsSync(c(firstPath))) ?? ((p: string) => join(root, p));
}

function viewPosition(frontalLateral: string, apPa: string): string | null {
  if (/^lateral$/i.test(frontalLateral)) return /^(LL|RL)$/i.test(apPa) ? apPa.toUpperCase() : 'LATERAL';
  return /^(AP|PA)$/i.test(apPa) ? apPa.toUpperCase() : null;
}

function sexOf(value: string | undefined): string | null {
  if (/^(m|male)$/i.test(value ?? '')) return 'M';
  if (/^(f|female)$/i.test(value ?? '')) return 'F';
  return null;
}

export function readChexpertLayout(root: string): LayoutContent {
  const studies = new Map<string, LayoutStudy>();
  const rejected: LayoutRejection[] = [];
  for (const table of CHEXPERT_TABLES.map((t) => join(root, t)).filter((t) => existsSync(t))) {
    const rows = readCsvTable(table);
    const resolve = pathResolver(root, (rows[0]?.cells.Path ?? '').trim());
    for (const { cells, where } of rows) {
      const path = (cells.Path ?? '').trim().replace(/\\/g, '/');
      const parts = withoutTopFolder(path).split('/');
      if (!path || parts.length < 3) {
        rejected.push({ path: where, reason: 'no_image', detail: 'Path is empty or not <split>/<patient>/<study>/<image>' });
        continue;
      }
      const labels: LayoutLabel[] = [];
      const bad = CHEXPERT_OBSERVATIONS.filter((o) => {
        const value = chexpertValue(cells[o]);
        if (value) labels.push({ schema: CHEXPERT_SCHEMA.name, label: o, value });
        return value === undefined;
      });
      if (bad.length > 0) {
        rejected.push({ path: where, reason: 'bad_row', detail: `not 1, 0, -1 or blank in ${bad.join(', ')}` });
        continue;
      }
      const studyKey = parts.slice(0, -1).join('/');
      const patient = parts[parts.length - 3] ?? '';
      let study = studies.get(studyKey);
      if (!study) {
        study = { key: studyKey, patient: { key: `chexpert:${patient}`, id: patient, sex: sexOf(cells.Sex) }, description: 'Chest X-ray', images: [], labels };
        studies.set(studyKey, study);
      }
      study.images.push({
        path: resolve(path),
        key: withoutTopFolder(path),
        modality: 'DX',
        viewPosition: viewPosition((cells['Frontal/Lateral'] ?? '').trim(), (cells['AP/PA'] ?? '').trim()),
      });
    }
  }
  return { layout: 'chexpert', schemas: [CHEXPERT_SCHEMA], studies: [...studies.values()], rejected };
}
