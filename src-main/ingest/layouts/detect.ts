/** Which layout a folder holds, from the files at its top. */
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../../../src-shared/result';
import { CHEXPERT_TABLES } from './chexpert';
import { COVID_TABLE } from './covid';
import type { LayoutName } from './types';

/** Whether the file's first line names a column "Path" (CheXpert's image column). */
function hasPathColumn(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('utf8').split(/\r?\n/)[0]?.split(',').includes('Path') ?? false;
  } finally {
    closeSync(fd);
  }
}

export function detectLayout(root: string): LayoutName {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new AppError('not_found', `${root} is not a folder`);
  const names = readdirSync(root);
  if (names.includes(COVID_TABLE)) return 'covid';
  if (CHEXPERT_TABLES.some((t) => names.includes(t) && hasPathColumn(join(root, t)))) return 'chexpert';
  if (basename(root) === 'files' || names.includes('files') || names.some((n) => /^mimic-cxr-2\.0\.0-.*\.csv(\.gz)?$/.test(n))) return 'mimic';
  if (names.filter((n) => /\.(csv|jsonl)$/i.test(n)).length === 1) return 'table';
  throw new AppError('bad_request', `${root}: no known layout (pairs.jsonl, CheXpert train.csv / valid.csv, MIMIC files/, or one image table)`);
}
