/**
 * The library's study filters as a set of allowed study ids, resolved in SQL
 * once per query. The search scores every vector and masks the studies outside
 * this set before selecting the top k (see embedding-index.ts), so filtered
 * results are exact and complete.
 */
import type { SearchFilters } from '../../src-shared/contract/search';
import type { Db } from '../db/connection';
import { studyFilterConditions } from '../db/studies-repo';

/** undefined when no filter is set (every study allowed). */
export function allowedStudyIds(db: Db, filters: SearchFilters): Set<number> | undefined {
  const { parts, params } = studyFilterConditions(filters);
  if (filters.label !== undefined) {
    const { name, value } = filters.label;
    params.labelName = name;
    if (value === null) {
      parts.push('NOT EXISTS (SELECT 1 FROM labels l WHERE l.study_id = s.id AND l.label = @labelName)');
    } else if (value === undefined) {
      parts.push('EXISTS (SELECT 1 FROM labels l WHERE l.study_id = s.id AND l.label = @labelName)');
    } else {
      parts.push('EXISTS (SELECT 1 FROM labels l WHERE l.study_id = s.id AND l.label = @labelName AND l.value = @labelValue)');
      params.labelValue = value;
    }
  }
  if (parts.length === 0) return undefined;
  const ids = db
    .prepare(`SELECT s.id FROM studies s WHERE ${parts.join(' AND ')}`)
    .pluck()
    .all(params) as number[];
  return new Set(ids);
}
