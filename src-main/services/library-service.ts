import type { ServiceImpl } from '../../src-shared/contract/index';
import type { JobEvent } from '../../src-shared/contract/events';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { getStudy, libraryStats } from '../db/studies-repo';
import { listOptions, listStudies } from '../db/study-list';
import { createImportJobs, type ImportJobs } from './import-job';

export interface LibraryServiceDeps {
  libraryPath: string;
  events: { emit(event: JobEvent): void };
}

export function createLibraryService(db: Db, deps?: LibraryServiceDeps): ServiceImpl['library'] & { imports: ImportJobs | null } {
  const imports = deps ? createImportJobs(db, deps.libraryPath, (e) => deps.events.emit(e)) : null;
  return {
    listStudies: (q) => listStudies(db, q),
    getStudy: ({ id }) => {
      const study = getStudy(db, id);
      if (!study) throw new AppError('not_found', `No study with id ${id} in this library.`);
      return study;
    },
    stats: () => libraryStats(db),
    listOptions: () => listOptions(db),
    startImport: (input) => {
      if (!imports) throw new AppError('not_implemented', 'Importing is not available through this door.');
      return imports.start(input);
    },
    imports,
  };
}
