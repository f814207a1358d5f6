import { migration001 } from './001_initial';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [migration001];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
export type { Migration };
