import type { ServiceImpl } from '../../src-shared/contract/index';
import type { SystemInfo } from '../../src-shared/contract/system';
import type { Db } from '../db/connection';
import { schemaVersion } from '../db/migrate';
import { probeBackends } from '../ml/backend-probe';
import { APP_NAME, APP_VERSION } from '../version';

export function createSystemService(db: Db, libraryPath: string, door: SystemInfo['door']): ServiceImpl['system'] {
  return {
    info: () => ({
      appName: APP_NAME,
      version: APP_VERSION,
      libraryPath,
      schemaVersion: schemaVersion(db),
      platform: `${process.platform}-${process.arch}`,
      node: process.versions.node,
      door,
      ml: probeBackends(),
    }),
  };
}
