/**
 * The COVID-19 image data collection (../shared/data/covid-cxr): images/ and
 * pairs.jsonl, one row per image-text pair. Each row becomes one study with one
 * image, its clinical_notes as report and its finding / view as labels. A few
 * images appear in two rows (the collection lists the same case under two
 * patient ids); each row stays its own study, so the library holds exactly the
 * collection's pairs, and both studies point at the same file.
 *
 * Labels: 'covid-finding' (multiclass, label 'finding') and 'covid-view'
 * (multiclass, label 'view'). The collection's placeholder finding 'todo' and
 * unknown views ('' or '?') are not labels and are left out.
 */
import { join } from 'node:path';
import { normaliseDate } from '../reports/dates';
import { readJsonlTable } from './tables';
import type { LabelSchemaDef, LayoutContent, LayoutLabel, LayoutRejection, LayoutStudy } from './types';

export const COVID_TABLE = 'pairs.jsonl';
const UNLABELLED_FINDINGS = new Set(['', 'todo']);
const UNKNOWN_VIEWS = new Set(['', '?']);

/** The collection's X-ray views as DICOM ViewPosition terms. */
const VIEW_POSITIONS: Record<string, string> = { PA: 'PA', AP: 'AP', 'AP Supine': 'AP', L: 'LATERAL' };

function modalityOf(value: string): string {
  if (/x-?ray|radiograph/i.test(value)) return 'CR';
  if (/^ct$/i.test(value.trim())) return 'CT';
  return value.trim() ? 'OT' : 'CR';
}

export function readCovidLayout(root: string): LayoutContent {
  const table = join(root, COVID_TABLE);
  const { rows, rejected } = readJsonlTable(table);
  const studies: LayoutStudy[] = [];
  const out: LayoutRejection[] = [...rejected];
  const findings = new Set<string>();
  const views = new Set<string>();
  for (const { cells, where } of rows) {
    const image = (cells.image ?? '').trim();
    const patientId = (cells.patientid ?? '').trim();
    if (!image) {
      out.push({ path: where, reason: 'no_image', detail: 'the row has no image path' });
      continue;
    }
    const finding = (cells.finding ?? '').trim();
    const view = (cells.view ?? '').trim();
    const labels: LayoutLabel[] = [];
    if (!UNLABELLED_FINDINGS.has(finding)) {
      labels.push({ schema: 'covid-finding', label: 'finding', value: finding });
      findings.add(finding);
    }
    if (!UNKNOWN_VIEWS.has(view)) {
      labels.push({ schema: 'covid-view', label: 'view', value: view });
      views.add(view);
    }
    const notes = cells.clinical_notes ?? '';
    const patientKey = patientId ? `covid:${patientId}` : `covid:image:${image}`;
    studies.push({
      key: `${patientKey}|${image}`,
      patient: { key: patientKey, id: patientId || null, sex: /^[MF]$/.test(cells.sex ?? '') ? (cells.sex ?? null) : null },
      studyDate: normaliseDate(cells.date),
      description: view ? `Chest X-ray ${view}` : 'Chest X-ray',
      images: [{ path: join(root, image), key: image, modality: modalityOf(cells.modality ?? ''), viewPosition: VIEW_POSITIONS[view] ?? null }],
      ...(notes.trim() ? { report: { text: notes, source: 'table', sourcePath: table } } : {}),
      labels,
    });
  }
  const schemas: LabelSchemaDef[] = [
    { name: 'covid-finding', kind: 'multiclass', definition: { label: 'finding', classes: [...findings].sort() } },
    { name: 'covid-view', kind: 'multiclass', definition: { label: 'view', classes: [...views].sort() } },
  ];
  return { layout: 'covid', schemas, studies, rejected: out };
}
