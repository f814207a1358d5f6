/** Builds the one set of service objects that all three doors share. */
import type { ServiceImpl } from '../../src-shared/contract/index';
import type { SystemInfo } from '../../src-shared/contract/system';
import { openLibrary, type Db } from '../db/connection';
import { logFileFor } from '../library-path';
import { configureLog, log } from '../log';
import { mapProgressEvent } from '../search/archive-map';
import { checkpointEmbedderProvider } from '../search/checkpoint-models';
import { mapCacheDirFor } from '../search/map-cache';
import { createDispatcher, type Dispatch } from './dispatch';
import { createEvaluationService } from './evaluation-service';
import { EventHub } from './events';
import { createLabelsService, currentUser } from './labels-service';
import { createLibraryService } from './library-service';
import { createSearchService } from './search-service';
import { createSystemService } from './system-service';
import { createTrainingService } from './training-service';
import { createViewerService, FramePixelSource } from './viewer-service';

export interface Services {
  readonly db: Db;
  readonly libraryPath: string;
  readonly impl: ServiceImpl;
  readonly dispatch: Dispatch;
  readonly events: EventHub;
  /** Decoded frames for the pixel endpoint (bridge route and Electron protocol). */
  readonly pixels: FramePixelSource;
  close(): void;
}

export interface ServicesOptions {
  /** Resume the newest interrupted pretraining run from its last checkpoint (the app and `convirt serve` on start). */
  resumeInterrupted?: boolean;
}

export function createServices(libraryPath: string, door: SystemInfo['door'], options: ServicesOptions = {}): Services {
  if (libraryPath !== ':memory:') configureLog({ file: logFileFor(libraryPath) });
  const db = openLibrary(libraryPath);
  const pixels = new FramePixelSource(db, libraryPath);
  // Query encoders of trained checkpoints, keyed by the stored model id.
  const embedders = checkpointEmbedderProvider(db, libraryPath);
  const events = new EventHub();
  const training = createTrainingService(db, libraryPath, events);
  const evaluation = createEvaluationService(db, libraryPath, { emit: (event) => events.emit(event) });
  const impl: ServiceImpl = {
    library: createLibraryService(db, { libraryPath, events }),
    labels: createLabelsService(db, currentUser(), events),
    search: createSearchService(db, embedders, { cacheDir: mapCacheDirFor(libraryPath), onProgress: (p) => events.emit(mapProgressEvent(p)) }),
    system: createSystemService(db, libraryPath, door),
    training: training.impl,
    viewer: createViewerService(db, pixels),
    evaluation,
  };
  if (options.resumeInterrupted) {
    training.resumeInterrupted().catch((error: unknown) => log.warn('training.auto_resume_failed', { name: (error as Error).name }));
  }
  return {
    db,
    libraryPath,
    impl,
    dispatch: createDispatcher(impl),
    events,
    pixels,
    close: () => {
      training.close();
      embedders.dispose();
      evaluation.dispose();
      db.close();
    },
  };
}
