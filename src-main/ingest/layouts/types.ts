/**
 * What a layout reader produces before anything is written: studies with their
 * image files, report text and labels, the label schemas those labels belong
 * to, and the table rows it could not use.
 */

export type LayoutName = 'covid' | 'chexpert' | 'mimic' | 'table';

export interface LayoutImage {
  /** Absolute path of the JPEG or PNG file. */
  path: string;
  /** Stable identity inside the study (path relative to the layout root); feeds the synthetic UIDs. */
  key: string;
  modality: string;
  viewPosition?: string | null;
}

export interface LayoutLabel {
  schema: string;
  /** The observation or target: 'finding', 'view', 'Cardiomegaly'. */
  label: string;
  /** A class name, or positive / negative / uncertain for CheXpert observations. */
  value: string;
}

export interface LayoutStudy {
  /** Stable identity inside the layout; the synthetic Study UID is derived from it. */
  key: string;
  patient: { key: string; id: string | null; sex?: string | null };
  studyDate?: string | null;
  description?: string | null;
  images: LayoutImage[];
  /** source: reports.source ('table' for a text column, 'txt' for report files). */
  report?: { text: string; source: string; sourcePath: string | null };
  labels: LayoutLabel[];
}

export type LabelSchemaKind = 'binary' | 'multiclass' | 'multilabel' | 'chexpert';

export interface LabelSchemaDef {
  name: string;
  kind: LabelSchemaKind;
  /** multiclass: { label, classes }; chexpert: { labels, values }, as the labels service reads it. Stored as definition_json. */
  definition: { label?: string; classes?: string[]; labels?: readonly string[]; values?: readonly string[] };
}

/** A file or table row that did not make it into the library. */
export interface LayoutRejection {
  /** The file, or table:line for a row. */
  path: string;
  /** 'unreadable' (missing or not a JPEG/PNG), 'no_image', 'bad_row', 'empty', 'not_in_table' (an image no row names). */
  reason: string;
  /** Why, without patient data. */
  detail: string;
}

export interface LayoutContent {
  layout: LayoutName;
  schemas: LabelSchemaDef[];
  studies: LayoutStudy[];
  rejected: LayoutRejection[];
}
