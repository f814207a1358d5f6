/**
 * Schema v3: one embedding per model and item. The item is the instance for
 * image vectors, the sentence for sentence vectors and the study for report
 * vectors; a unique index over that key makes re-embedding an upsert (INSERT
 * OR REPLACE) and makes "which items have no vector for this model" an index
 * lookup instead of a scan per item. Duplicates that an older build may have
 * written are collapsed first, keeping the newest row.
 */
import type { Migration } from './types';

export const migration003: Migration = {
  version: 3,
  name: 'one embedding per model and item',
  up: `
DELETE FROM embeddings WHERE id NOT IN (
  SELECT max(id) FROM embeddings GROUP BY model_id, kind, coalesce(instance_id, sentence_id, study_id)
);
CREATE UNIQUE INDEX embeddings_item ON embeddings(model_id, kind, coalesce(instance_id, sentence_id, study_id));
`,
};
