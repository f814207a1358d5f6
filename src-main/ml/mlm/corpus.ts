/**
 * An extra report corpus for the MLM warm-up (config text.mlmWarmup.corpus):
 * a folder, searched recursively, of .txt files (one report each) and .csv
 * tables with a findings and / or impression column (the IU X-ray reports'
 * layout), or else a report / text column. Text only: nothing here is paired
 * with an image or stored in the library.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { AppError } from '../../../src-shared/result';
import { readCsvTable } from '../../ingest/layouts/tables';

const SECTION_COLUMNS = ['findings', 'impression'];
const WHOLE_COLUMNS = ['report', 'text', 'report_text'];

function csvReports(path: string): string[] {
  const rows = readCsvTable(path);
  if (rows.length === 0) return [];
  const columns = new Map(Object.keys(rows[0]!.cells).map((c) => [c.trim().toLowerCase(), c]));
  const sections = SECTION_COLUMNS.filter((c) => columns.has(c)).map((c) => columns.get(c)!);
  const whole = WHOLE_COLUMNS.find((c) => columns.has(c));
  const wanted = sections.length > 0 ? sections : whole ? [columns.get(whole)!] : [];
  if (wanted.length === 0) {
    throw new AppError('bad_request', `corpus table ${path} has no findings, impression, report or text column (columns: ${[...columns.values()].join(', ')})`);
  }
  return rows.map((r) => wanted.map((c) => (r.cells[c] ?? '').trim()).filter(Boolean).join('\n')).filter((t) => t.length > 0);
}

/** Every report text in the folder, in file-name order. */
export function readReportCorpus(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new AppError('not_found', `text.mlmWarmup.corpus: ${folder} is not a folder`);
  const files = (readdirSync(folder, { recursive: true }) as string[]).sort();
  const texts: string[] = [];
  for (const name of files) {
    const path = join(folder, name);
    const ext = extname(name).toLowerCase();
    if (ext === '.csv') texts.push(...csvReports(path));
    else if (ext === '.txt') {
      const text = readFileSync(path, 'utf8').trim();
      if (text) texts.push(text);
    }
  }
  if (texts.length === 0) throw new AppError('bad_request', `text.mlmWarmup.corpus: ${folder} holds no report text (.txt files or .csv tables)`);
  return texts;
}
