import { migration001 } from './001_initial';
import { migration002 } from './002_import_files';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
export type { Migration };
