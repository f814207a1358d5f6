/**
 * The import dialog's job: one import at a time, run in this process (the
 * importer yields between files, so the services keep answering), reporting
 * through job events: started, progress (done / total, rate, ETA), then done
 * with an ImportJobSummary, or failed.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { JobEvent } from '../../src-shared/contract/events';
import { IMPORT_JOB_KIND, type ImportJobSummary, type StartImportInput } from '../../src-shared/contract/library';
import { AppError, type AppErrorShape } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { storageError } from '../db/errors';
import { libraryCounts } from '../db/studies-repo';
import { runImport } from '../ingest/import-run';
import { log } from '../log';

/** At most this many progress events a second: enough for a smooth bar, few enough for the socket. */
const PROGRESS_EVENTS_PER_SECOND = 10;

export interface ImportJobs {
  start(input: Required<Pick<StartImportInput, 'path' | 'layout'>> & Pick<StartImportInput, 'reports' | 'manifest'>): { jobId: string };
  /** Resolves when the running import (if any) has finished; for tests and shutdown. */
  idle(): Promise<void>;
}

function checkPath(path: string, what: string): void {
  if (!isAbsolute(path)) throw new AppError('bad_request', `The ${what} must be an absolute path, got "${path}".`);
  if (!existsSync(path)) throw new AppError('not_found', `The ${what} ${path} does not exist.`);
}

function failure(thrown: unknown): AppErrorShape {
  const cause = storageError(thrown, 'the library') ?? thrown;
  if (cause instanceof AppError) return { code: cause.code, message: cause.message };
  return { code: 'internal', message: `The import failed: ${(cause as Error)?.message ?? String(cause)}` };
}

export function createImportJobs(db: Db, libraryPath: string, emit: (event: JobEvent) => void): ImportJobs {
  let running: Promise<void> | null = null;
  let counter = 0;
  return {
    start(input) {
      if (running) throw new AppError('bad_request', 'An import is already running; wait for it to finish.');
      checkPath(input.path, 'folder to import');
      if (input.reports) checkPath(input.reports, 'reports path');
      if (input.manifest) checkPath(input.manifest, 'report manifest');
      const jobId = `${IMPORT_JOB_KIND}-${process.pid}-${Date.now()}-${++counter}`;
      const base = { jobId, kind: IMPORT_JOB_KIND };
      const before = libraryCounts(db).studies;
      let lastEmit = 0;
      emit({ type: 'started', ...base, total: null });
      running = runImport(db, libraryPath, [input.path], {
        layout: input.layout,
        ...(input.reports ? { reports: input.reports } : {}),
        ...(input.manifest ? { manifest: input.manifest } : {}),
        decode: true,
        cache: true,
        onProgress: (p) => {
          const now = performance.now();
          if (p.done < p.total && now - lastEmit < 1000 / PROGRESS_EVENTS_PER_SECOND) return;
          lastEmit = now;
          emit({ type: 'progress', ...base, done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, message: `${p.unit}, ${p.rejected} rejected` });
        },
      })
        .then((outcome) => {
          const d = outcome.dicom;
          const summary: ImportJobSummary = {
            studiesBefore: before,
            studiesAfter: libraryCounts(db).studies,
            imagesAdded: (d?.instancesAdded ?? 0) + outcome.layouts.reduce((s, l) => s + l.imagesAdded, 0),
            imagesUpdated: (d?.instancesUpdated ?? 0) + outcome.layouts.reduce((s, l) => s + l.imagesUpdated, 0),
            unchanged: (d ? d.filesSkipped + d.instancesUnchanged + d.duplicates : 0) + (outcome.reports?.unchanged ?? 0),
            reportsAttached: (outcome.reports?.added ?? 0) + (outcome.reports?.updated ?? 0),
            layouts: outcome.layouts.map((l) => ({ layout: l.layout, studies: l.studies })),
            rejected: outcome.rejected,
            seconds: d?.elapsedSeconds ?? 0,
          };
          log.info('import_job.done', { studiesAdded: summary.studiesAfter - summary.studiesBefore, rejected: summary.rejected.length });
          emit({ type: 'done', ...base, summary });
        })
        .catch((cause: unknown) => {
          const error = failure(cause);
          log.warn('import_job.failed', { code: error.code });
          emit({ type: 'failed', ...base, error });
        })
        .finally(() => {
          running = null;
        });
      return { jobId };
    },
    idle: () => running ?? Promise.resolve(),
  };
}
