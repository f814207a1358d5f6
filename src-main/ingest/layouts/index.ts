/**
 * Image + table layouts (COVID collection, CheXpert, MIMIC-CXR-JPG, any image
 * folder with a CSV/JSONL) into the library: studies, images, report text and
 * imported labels.
 */
import { resolve } from 'node:path';
import { AppError } from '../../../src-shared/result';
import type { Db } from '../../db/connection';
import { readChexpertLayout } from './chexpert';
import { readCovidLayout } from './covid';
import { detectLayout } from './detect';
import { writeLayout, type LayoutImportSummary, type LayoutProgress, type WriteOptions } from './import';
import { readMimicLayout } from './mimic';
import { storeLayoutRejections, unreferencedImages } from './rejections';
import { readTableLayout, type TableLayoutOptions } from './table';
import type { LayoutContent, LayoutName } from './types';

export interface LayoutImportOptions extends WriteOptions {
  /** The layout's folder (for MIMIC: the folder holding files/, or files/ itself). */
  root: string;
  layout: LayoutName | 'auto';
  /** MIMIC: where the sNNNN.txt reports are, when not in the image tree. */
  reports?: string;
  /** Generic table layout: which table and columns. */
  table?: TableLayoutOptions;
}

/** Reads a layout's tables and lists its studies; touches no database and no image bytes. */
export function readLayout(options: Pick<LayoutImportOptions, 'root' | 'layout' | 'reports' | 'table'>): LayoutContent {
  // Instances store absolute paths, whatever folder the caller started in.
  const root = resolve(options.root);
  const layout = options.layout === 'auto' ? detectLayout(root) : options.layout;
  switch (layout) {
    case 'covid':
      return readCovidLayout(root);
    case 'chexpert':
      return readChexpertLayout(root);
    case 'mimic':
      return readMimicLayout(root, options.reports === undefined ? {} : { reports: resolve(options.reports) });
    case 'table':
      return readTableLayout(root, options.table?.table === undefined ? options.table : { ...options.table, table: resolve(options.table.table) });
    default:
      throw new AppError('bad_request', `unknown layout "${String(layout)}"`);
  }
}

/**
 * Imports a layout into the library: one transaction per study, idempotent
 * (importing again adds nothing). Counts are rows this run added; `rejected`
 * lists the files and table rows that were not imported, with reasons, image
 * files no row names included; they are stored for `convirt import --rejected`.
 */
export async function importLayout(db: Db, options: LayoutImportOptions, onProgress?: (p: LayoutProgress) => void): Promise<LayoutImportSummary> {
  const content = readLayout(options);
  const summary = await writeLayout(db, content, options, onProgress);
  summary.rejected.push(...unreferencedImages(resolve(options.root), content));
  storeLayoutRejections(db, resolve(options.root), content.layout, summary.rejected);
  return summary;
}

export { detectLayout } from './detect';
export { syntheticUid } from './uids';
export { listLayoutRejections, type StoredLayoutRejection } from './rejections';
export { CHEXPERT_OBSERVATIONS, CHEXPERT_SCHEMA } from './chexpert-observations';
export type { LayoutCounts, LayoutImportSummary, LayoutProgress, WriteOptions } from './import';
export type { TableLayoutOptions } from './table';
export type { LabelSchemaDef, LayoutContent, LayoutImage, LayoutLabel, LayoutName, LayoutRejection, LayoutStudy } from './types';
