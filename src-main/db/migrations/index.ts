import { migration001 } from './001_initial';
import { migration002 } from './002_import_files';
import { migration003 } from './003_embedding_items';
import { migration004 } from './004_study_list';
import { migration005 } from './005_run_interrupted';
import { migration006 } from './006_layout_rejections';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
export type { Migration };
