/**
 * The `search` service group over the open library. Query encoders come from
 * `embedderFor` (the ML engine loads a checkpoint's text and image encoders);
 * until one is wired, "find similar" still works from stored image vectors
 * and text search reports that the encoder cannot be loaded.
 */
import type { ServiceImpl } from '../../src-shared/contract/index';
import type { Db } from '../db/connection';
import { ArchiveMap, type ArchiveMapOptions } from '../search/archive-map';
import type { QueryEmbedderProvider } from '../search/query-embedder';
import { SemanticSearch } from '../search/semantic-search';
import { ZeroShot } from '../search/zero-shot';

export const NO_QUERY_EMBEDDER: QueryEmbedderProvider = () => null;

export function createSearchService(db: Db, embedderFor: QueryEmbedderProvider = NO_QUERY_EMBEDDER, mapOptions: ArchiveMapOptions = {}): ServiceImpl['search'] {
  const search = new SemanticSearch(db, embedderFor);
  const archiveMap = new ArchiveMap(db, mapOptions);
  const zeroShot = new ZeroShot(db);
  return {
    text: (input) => search.text(input),
    similar: (input) => search.similar(input),
    models: () => search.models(),
    map: (input) => archiveMap.map(search.resolveModel(input.modelId), input),
    zeroShot: async (input) => {
      const modelId = search.resolveModel(input.modelId);
      return zeroShot.suggest(modelId, await search.requireEmbedder(modelId, 'embed the label prompts'), input);
    },
  };
}
