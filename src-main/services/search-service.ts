/**
 * The `search` service group over the open library. Query encoders come from
 * `embedderFor` (the ML engine loads a checkpoint's text and image encoders);
 * until one is wired, "find similar" still works from stored image vectors
 * and text search reports that the encoder cannot be loaded.
 */
import type { ServiceImpl } from '../../src-shared/contract/index';
import type { Db } from '../db/connection';
import type { QueryEmbedderProvider } from '../search/query-embedder';
import { SemanticSearch } from '../search/semantic-search';

export const NO_QUERY_EMBEDDER: QueryEmbedderProvider = () => null;

export function createSearchService(db: Db, embedderFor: QueryEmbedderProvider = NO_QUERY_EMBEDDER): ServiceImpl['search'] {
  const search = new SemanticSearch(db, embedderFor);
  return {
    text: (input) => search.text(input),
    similar: (input) => search.similar(input),
    models: () => search.models(),
  };
}
