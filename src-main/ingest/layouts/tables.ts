/** Rows of CSV (optionally gzipped) and JSONL tables as string records, with the line each came from. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../../src-shared/result';
import type { LayoutRejection } from './types';

export interface TableRow {
  /** Column -> cell text; JSON numbers and booleans become their text, null becomes ''. */
  cells: Record<string, string>;
  /** "table.csv:12": where the row ends, for rejection messages. */
  where: string;
}

function readText(path: string): string {
  try {
    const bytes = readFileSync(path);
    return (/\.gz$/i.test(path) ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (cause) {
    throw new AppError('bad_request', `${path} cannot be read: ${(cause as Error).message}`);
  }
}

export function readCsvTable(path: string): TableRow[] {
  try {
    const rows = parse(readText(path), { bom: true, columns: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as {
      record: Record<string, string>;
      info: { lines: number };
    }[];
    return rows.map(({ record, info }) => ({ cells: record, where: `${path}:${info.lines}` }));
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError('bad_request', `${path} is not a readable CSV table: ${(cause as Error).message}`);
  }
}

const cellText = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** One JSON object per line; lines that are not objects are rejected, blank lines skipped. */
export function readJsonlTable(path: string): { rows: TableRow[]; rejected: LayoutRejection[] } {
  const rows: TableRow[] = [];
  const rejected: LayoutRejection[] = [];
  readText(path)
    .split('\n')
    .forEach((line, i) => {
      const where = `${path}:${i + 1}`;
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        rejected.push({ path: where, reason: 'bad_row', detail: 'the line is not valid JSON' });
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        rejected.push({ path: where, reason: 'bad_row', detail: 'the line is not a JSON object' });
        return;
      }
      rows.push({ cells: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cellText(v)])), where });
    });
  return { rows, rejected };
}

export const readTable = (path: string): { rows: TableRow[]; rejected: LayoutRejection[] } =>
  /\.jsonl(\.gz)?$/i.test(path) ? readJsonlTable(path) : { rows: readCsvTable(path), rejected: [] };
