import type { ServiceImpl } from '../../src-shared/contract/index';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { getStudy, libraryStats, listStudies } from '../db/studies-repo';

export function createLibraryService(db: Db): ServiceImpl['library'] {
  return {
    listStudies: (q) => listStudies(db, q),
    getStudy: ({ id }) => {
      const study = getStudy(db, id);
      if (!study) throw new AppError('not_found', `No study with id ${id} in this library.`);
      return study;
    },
    stats: () => libraryStats(db),
  };
}
