/**
 * Schema v6: what image + table layout imports left out. A layout has no
 * file-by-file import state like DICOM (import_files), but every file and
 * table row it skips is listed with its reason (`convirt import --rejected`).
 * Each import of a layout folder replaces that folder's rows, so the list says
 * what the latest import of each folder skipped.
 */
import type { Migration } from './types';

export const migration006: Migration = {
  version: 6,
  name: 'layout rejections',
  up: `
CREATE TABLE layout_rejections (
  path TEXT PRIMARY KEY,          -- the file, or table:line for a row
  root TEXT NOT NULL,             -- the layout folder as imported (absolute)
  layout TEXT NOT NULL,           -- covid | chexpert | mimic | table
  reason TEXT NOT NULL,           -- unreadable | no_image | bad_row | empty | not_in_table
  detail TEXT NOT NULL,           -- why, for people; never patient data
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX layout_rejections_root ON layout_rejections(root);
`,
};
