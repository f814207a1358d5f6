/**
 * The Search screen's state: the query (text, or an image for "find
 * similar"), the library filters it combines with, the ranked studies, the
 * archive map, and which embedded model answers. The Viewer starts "find
 * similar" through the shared `searchState`.
 */
import type { LabelSchema } from '../../../src-shared/contract/labels';
import type { EmbeddedModel, MapResponse, SearchFilters, SearchResponse } from '../../../src-shared/contract/search';
import type { AppErrorShape } from '../../../src-shared/result';
import { api, onJobEvent } from '../api';

export type SearchQuery = { kind: 'text'; text: string } | { kind: 'image'; instanceId: number; studyId: number };
export type SearchTab = 'results' | 'map';

/** How many studies a search lists. */
export const RESULT_COUNT = 20;

export class SearchState {
  models = $state<EmbeddedModel[] | null>(null);
  modelId = $state<string | null>(null);
  text = $state('');
  filters = $state<SearchFilters>({});
  query = $state<SearchQuery | null>(null);
  response = $state<SearchResponse | null>(null);
  loading = $state(false);
  error = $state<AppErrorShape | null>(null);
  tab = $state<SearchTab>('results');
  schemas = $state<LabelSchema[]>([]);
  colourBy = $state<string | null>(null);
  map = $state<MapResponse | null>(null);
  mapLoading = $state(false);
  mapError = $state<AppErrorShape | null>(null);
  /** UMAP epochs done of the map being computed (its worker's progress events); null when none is. */
  mapProgress = $state<{ done: number; total: number } | null>(null);

  /** No image embeddings at all: search cannot answer until a model is trained and embedded. */
  readonly noEmbeddings = $derived(this.models !== null && this.models.length === 0);
  /** Every label name of the library's schemas, for the filter and the map colouring. */
  readonly labelNames = $derived([...new Set(this.schemas.flatMap((s) => s.labels))]);

  private serial = 0;
  private mapSerial = 0;

  async init(): Promise<void> {
    const [models, schemas] = await Promise.all([api.search.models({}), api.labels.schemas({})]);
    if (models.ok) {
      this.models = models.value;
      if (!this.modelId || !models.value.some((m) => m.modelId === this.modelId)) this.modelId = models.value[0]?.modelId ?? null;
    } else {
      this.error = models.error;
    }
    if (schemas.ok) this.schemas = schemas.value;
  }

  async searchText(text = this.text): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    this.text = trimmed;
    this.query = { kind: 'text', text: trimmed };
    await this.run();
  }

  /** "Find similar" from the viewer: studies whose images look like this one. */
  async findSimilar(instanceId: number, studyId: number): Promise<void> {
    this.tab = 'results';
    this.query = { kind: 'image', instanceId, studyId };
    if (this.models === null) await this.init();
    await this.run();
  }

  setFilters(filters: SearchFilters): void {
    this.filters = filters;
    if (this.query) void this.run();
  }

  selectModel(modelId: string): void {
    this.modelId = modelId;
    this.map = null;
    if (this.query) void this.run();
    if (this.tab === 'map') void this.loadMap();
  }

  private async run(): Promise<void> {
    const query = this.query;
    if (!query) return;
    const serial = ++this.serial;
    this.loading = true;
    const common = { k: RESULT_COUNT, filters: $state.snapshot(this.filters), ...(this.modelId ? { modelId: this.modelId } : {}) };
    const result =
      query.kind === 'text' ? await api.search.text({ ...common, text: query.text }) : await api.search.similar({ ...common, instanceId: query.instanceId });
    if (serial !== this.serial) return; // a newer query superseded this one
    this.loading = false;
    if (result.ok) [this.response, this.error] = [result.value, null];
    else [this.response, this.error] = [null, result.error];
  }

  async loadMap(): Promise<void> {
    const serial = ++this.mapSerial;
    this.mapLoading = true;
    this.mapProgress = null;
    const unsubscribe = onJobEvent((event) => {
      if (event.kind === 'map' && event.type === 'progress' && serial === this.mapSerial) this.mapProgress = { done: event.done, total: event.total ?? event.done };
    });
    const result = await api.search
      .map({
        ...(this.modelId ? { modelId: this.modelId } : {}),
        ...(this.colourBy ? { colourBy: this.colourBy } : {}),
      })
      .finally(unsubscribe);
    if (serial !== this.mapSerial) return;
    this.mapLoading = false;
    this.mapProgress = null;
    if (result.ok) [this.map, this.mapError] = [result.value, null];
    else [this.map, this.mapError] = [null, result.error];
  }

  colourMapBy(label: string | null): void {
    this.colourBy = label;
    void this.loadMap();
  }
}

export const searchState = new SearchState();
