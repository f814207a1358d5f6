/**
 * A small real library imported from the COVID collection (../shared/data/covid-cxr):
 * `count` pairs of distinct patients and distinct notes, their JPEG / PNG images
 * copied with a pairs.jsonl subset into a temp folder, then imported through
 * importLayout like `convirt import`. Table layouts write no image cache, so
 * every reader of these images must fall back to the plain files.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { importLayout } from '../../src-main/ingest/layouts/index';
import { tempDir } from './temp';

export const COVID_ROOT = join(__dirname, '../../../shared/data/covid-cxr');
export const covidSkip = existsSync(join(COVID_ROOT, 'pairs.jsonl')) ? false : `${COVID_ROOT} is absent`;

interface CovidRow {
  patientid: string;
  image: string;
  clinical_notes: string;
}

export async function covidLibrary(count: number, dir = tempDir('convirt-covid-lib-')): Promise<{ db: Db; path: string; rows: CovidRow[] }> {
  const lines = readFileSync(join(COVID_ROOT, 'pairs.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const rows: CovidRow[] = [];
  const patients = new Set<string>();
  const notes = new Set<string>();
  for (const line of lines) {
    const row = JSON.parse(line) as CovidRow;
    const usable = row.clinical_notes.trim().length > 40 && existsSync(join(COVID_ROOT, row.image));
    if (!usable || patients.has(row.patientid) || notes.has(row.clinical_notes)) continue;
    patients.add(row.patientid);
    notes.add(row.clinical_notes);
    rows.push(row);
    if (rows.length === count) break;
  }
  const root = join(dir, 'covid');
  for (const row of rows) {
    mkdirSync(dirname(join(root, row.image)), { recursive: true });
    copyFileSync(join(COVID_ROOT, row.image), join(root, row.image));
  }
  writeFileSync(join(root, 'pairs.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const path = join(dir, 'library.sqlite');
  const db = openLibrary(path);
  await importLayout(db, { root, layout: 'covid' });
  return { db, path, rows };
}
