/** The `library` service group: browsing the studies of the open library. */
import { z } from 'zod';
import { method } from './method';

export const StudySortField = z.enum(['studyDate', 'patientId', 'modality', 'description', 'imageCount', 'importedAt']);
export type StudySortField = z.infer<typeof StudySortField>;

/** ISO date, YYYY-MM-DD (DICOM DA values are normalised to this on import). */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const StudyFilters = z
  .object({
    modality: z.string().min(1).max(16).optional(),
    dateFrom: IsoDate.optional(),
    dateTo: IsoDate.optional(),
    hasReport: z.boolean().optional(),
    /** Case-insensitive substring over patient id, description and accession. */
    text: z.string().max(200).optional(),
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
});
export type StudySummary = z.infer<typeof StudySummary>;

export const StudyPage = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  items: z.array(StudySummary),
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

export const libraryContract = {
  listStudies: method(ListStudiesInput, StudyPage),
  getStudy: method(z.object({ id: z.number().int().positive() }).strict(), StudyDetail),
  stats: method(z.object({}).strict(), LibraryStats),
};
