/** The `library` service group: browsing the studies of the open library. */
import { z } from 'zod';
import { method } from './method';

export const StudySortField = z.enum(['studyDate', 'patientId', 'modality', 'description', 'imageCount', 'importedAt']);
export type StudySortField = z.infer<typeof StudySortField>;

/** ISO date, YYYY-MM-DD (DICOM DA values are normalised to this on import). */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/**
 * labelled: at least one label set by a person or imported; partial / complete:
 * some / all of the schema's labels set; unlabelled: none set; suggested: only
 * suggestions from the report labeller, waiting for review.
 */
export const LabelState = z.enum(['labelled', 'partial', 'complete', 'unlabelled', 'suggested']);
export type LabelState = z.infer<typeof LabelState>;

export const StudyFilters = z
  .object({
    modality: z.string().min(1).max(16).optional(),
    dateFrom: IsoDate.optional(),
    dateTo: IsoDate.optional(),
    hasReport: z.boolean().optional(),
    /** Case-insensitive substring over patient id, description and accession. */
    text: z.string().max(200).optional(),
    /** Words to find in the reports (full-text, stemmed, each word a prefix); studies without a match drop out. */
    reportQuery: z.string().max(200).optional(),
    /** Label state in the list's label schema (ListStudiesInput.labelSchemaId). */
    labelState: LabelState.optional(),
    /** Studies in this split of any dataset, or of datasetId when given. */
    split: z.enum(['train', 'val', 'test']).optional(),
    datasetId: z.number().int().positive().optional(),
  })
  .strict();
export type StudyFilters = z.infer<typeof StudyFilters>;

export const ListStudiesInput = z
  .object({
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
    sort: z
      .object({ field: StudySortField, direction: z.enum(['asc', 'desc']) })
      .strict()
      .default({ field: 'studyDate', direction: 'desc' }),
    filters: StudyFilters.default({}),
    /** Schema for the label status column and filter; default the built-in one. */
    labelSchemaId: z.number().int().positive().optional(),
  })
  .strict();
export type ListStudiesInput = z.input<typeof ListStudiesInput>;

export const StudySummary = z.object({
  id: z.number().int(),
  studyUid: z.string(),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  studyDate: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  modalities: z.string().nullable(),
  description: z.string().nullable(),
  seriesCount: z.number().int(),
  imageCount: z.number().int(),
  hasReport: z.boolean(),
  /** First characters of the report's impression (or whole text), for the list. */
  reportSnippet: z.string().nullable(),
  importedAt: z.string(),
  /** The image to show as the row's thumbnail (first image of the first series), for thumbnailPath(). */
  thumbnailInstanceId: z.number().int().nullable().default(null),
});
export type StudySummary = z.infer<typeof StudySummary>;

/** How far a study is labelled in one schema: labels set (by people or imported) of the schema's total, and suggestions. */
export const LabelStatus = z.object({ labelled: z.number().int(), total: z.number().int(), suggested: z.number().int() });
export type LabelStatus = z.infer<typeof LabelStatus>;

/**
 * A list row: the summary, the label status in the list's schema, and, when
 * filtering by reportQuery, the best matching passage of the report with each
 * hit between MATCH_START and MATCH_END (see splitHighlights).
 */
export const StudyListItem = StudySummary.extend({
  labelStatus: LabelStatus.nullable(),
  reportMatch: z.string().nullable(),
});
export type StudyListItem = z.infer<typeof StudyListItem>;

export const StudyPage = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  /** The schema labelStatus counts in; null when the library has none. */
  labelSchema: z.object({ id: z.number().int(), name: z.string() }).nullable().default(null),
  items: z.array(StudyListItem),
});
export type StudyPage = z.infer<typeof StudyPage>;

export const InstanceSummary = z.object({
  id: z.number().int(),
  sopInstanceUid: z.string(),
  instanceNumber: z.number().int().nullable(),
  rows: z.number().int().nullable(),
  columns: z.number().int().nullable(),
  frames: z.number().int(),
  photometricInterpretation: z.string().nullable(),
  transferSyntaxUid: z.string().nullable(),
});

export const SeriesSummary = z.object({
  id: z.number().int(),
  seriesUid: z.string(),
  modality: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
  description: z.string().nullable(),
  instances: z.array(InstanceSummary),
});

export const ReportSection = z.object({ name: z.string(), text: z.string() });

export const StudyDetail = StudySummary.extend({
  bodyPart: z.string().nullable(),
  series: z.array(SeriesSummary),
  report: z
    .object({
      id: z.number().int(),
      rawText: z.string(),
      sections: z.array(ReportSection),
      sentences: z.array(z.object({ section: z.string().nullable(), text: z.string() })),
    })
    .nullable(),
});
export type StudyDetail = z.infer<typeof StudyDetail>;

export const LibraryStats = z.object({
  patients: z.number().int(),
  studies: z.number().int(),
  series: z.number().int(),
  instances: z.number().int(),
  reports: z.number().int(),
  labels: z.number().int(),
  modalities: z.array(z.object({ modality: z.string(), studies: z.number().int() })),
});
export type LibraryStats = z.infer<typeof LibraryStats>;

/** What the list's filter controls can offer in this library. */
export const ListOptions = z.object({
  modalities: z.array(z.string()),
  datasets: z.array(z.object({ id: z.number().int(), name: z.string(), train: z.number().int(), val: z.number().int(), test: z.number().int() })),
  labelSchemas: z.array(z.object({ id: z.number().int(), name: z.string(), builtIn: z.boolean() })),
});
export type ListOptions = z.infer<typeof ListOptions>;

export const ImportLayout = z.enum(['auto', 'dicom', 'mimic', 'chexpert', 'covid', 'table']);
export type ImportLayout = z.infer<typeof ImportLayout>;

export const StartImportInput = z
  .object({
    /** A folder or file on the machine that runs the services (absolute path). */
    path: z.string().min(1).max(4096),
    layout: ImportLayout.default('auto'),
    /** Reports to attach: a folder of MIMIC-CXR sNNNN.txt files, or a DICOM SR file. */
    reports: z.string().min(1).max(4096).optional(),
    /** CSV mapping study UID / accession / patient+date to report text. */
    manifest: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type StartImportInput = z.input<typeof StartImportInput>;

/** The import job's `done` event summary. */
export const ImportJobSummary = z.object({
  studiesBefore: z.number().int(),
  studiesAfter: z.number().int(),
  /** DICOM files and layout images. */
  imagesAdded: z.number().int(),
  imagesUpdated: z.number().int(),
  /** Files unchanged since an earlier import, or images already in the library. */
  unchanged: z.number().int(),
  reportsAttached: z.number().int(),
  layouts: z.array(z.object({ layout: z.string(), studies: z.number().int() })),
  rejected: z.array(z.object({ path: z.string(), reason: z.string() })),
  seconds: z.number(),
});
export type ImportJobSummary = z.infer<typeof ImportJobSummary>;

export const IMPORT_JOB_KIND = 'import';

export const libraryContract = {
  listStudies: method(ListStudiesInput, StudyPage),
  getStudy: method(z.object({ id: z.number().int().positive() }).strict(), StudyDetail),
  stats: method(z.object({}).strict(), LibraryStats),
  listOptions: method(z.object({}).strict(), ListOptions),
  /** Starts importing in the background; progress and the ImportJobSummary arrive as job events. */
  startImport: method(StartImportInput, z.object({ jobId: z.string() })),
};

/** Marks around each hit in StudyListItem.reportMatch: control characters no report text carries. */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/** Relative URL of an image's list thumbnail (a small 8-bit PNG), in browser mode and Electron alike. */
export function thumbnailPath(instanceId: number): string {
  return `thumbs/${instanceId}`;
}
