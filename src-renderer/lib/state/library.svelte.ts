/**
 * The Library screen's state: the study list as windows of rows fetched on
 * demand (the table renders only what is on screen, so 100,000 studies cost
 * the page what 40 do), its total, sort and filters, and the filter options.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { ListOptions, StudyFilters, StudyListItem, StudySortField } from '../../../src-shared/contract/library';
import type { AppErrorShape } from '../../../src-shared/result';
import { api } from '../api';

/** Rows per fetched window. */
export const WINDOW_ROWS = 100;
/** Windows kept in memory; the ones farthest from the view are dropped first. */
const KEEP_WINDOWS = 40;
/**
 * Window requests in flight at once. A fling passes many windows; asking for
 * each would queue requests for rows long gone from the screen, so when a
 * request ends the next one goes to a window the view wants now.
 */
const MAX_IN_FLIGHT = 2;

export class LibraryState {
  total = $state<number | null>(null);
  labelSchema = $state<{ id: number; name: string } | null>(null);
  sortField = $state<StudySortField>('studyDate');
  sortDirection = $state<'asc' | 'desc'>('desc');
  filters = $state<StudyFilters>({});
  options = $state<ListOptions | null>(null);
  error = $state<AppErrorShape | null>(null);
  /** Bumped on every sort or filter change, so the table can scroll back to the top. */
  generation = $state(0);
  /** Milliseconds the last window took, request to rows. */
  lastFetchMs = $state<number | null>(null);

  private readonly windows = new SvelteMap<number, StudyListItem[]>();
  private readonly inFlight = new Set<number>();

  rowAt(index: number): StudyListItem | undefined {
    return this.windows.get(Math.floor(index / WINDOW_ROWS))?.[index % WINDOW_ROWS];
  }

  async loadOptions(): Promise<void> {
    const result = await api.library.listOptions({});
    if (result.ok) this.options = result.value;
  }

  /** The windows the view wants, first..last; fetched nearest the view's first row first. */
  private wanted = { from: 0, to: 0 };

  /** Fetches the windows that hold rows first..last (inclusive) and are not loaded yet. */
  ensureRows(first: number, last: number): void {
    const from = Math.max(0, Math.floor(first / WINDOW_ROWS));
    const to = Math.max(from, Math.floor(Math.max(first, last) / WINDOW_ROWS));
    this.wanted = { from, to };
    this.pump();
    this.dropFarWindows((from + to) / 2);
  }

  private pump(): void {
    for (let w = this.wanted.from; w <= this.wanted.to && this.inFlight.size < MAX_IN_FLIGHT; w++) {
      if (this.total !== null && w * WINDOW_ROWS >= this.total && w > 0) break;
      if (!this.windows.has(w) && !this.inFlight.has(w)) void this.fetchWindow(w).then(() => this.pump());
    }
  }

  /** Resolves when the first window of the current sort and filters has arrived. */
  reload(): Promise<void> {
    this.windows.clear();
    this.inFlight.clear();
    this.generation++;
    return this.fetchWindow(0);
  }

  sortBy(field: StudySortField): void {
    if (this.sortField === field) this.sortDirection = this.sortDirection === 'asc' ? 'desc' : 'asc';
    else {
      this.sortField = field;
      this.sortDirection = field === 'studyDate' || field === 'importedAt' || field === 'imageCount' ? 'desc' : 'asc';
    }
    void this.reload();
  }

  setFilters(filters: StudyFilters): void {
    this.filters = filters;
    void this.reload();
  }

  private async fetchWindow(index: number): Promise<void> {
    const generation = this.generation;
    this.inFlight.add(index);
    const started = performance.now();
    const result = await api.library.listStudies({
      offset: index * WINDOW_ROWS,
      limit: WINDOW_ROWS,
      sort: { field: this.sortField, direction: this.sortDirection },
      filters: $state.snapshot(this.filters),
    });
    if (generation !== this.generation) return; // sort or filters changed meanwhile
    this.inFlight.delete(index);
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.lastFetchMs = performance.now() - started;
    [this.total, this.labelSchema, this.error] = [result.value.total, result.value.labelSchema, null];
    this.windows.set(index, result.value.items);
  }

  private dropFarWindows(centre: number): void {
    if (this.windows.size <= KEEP_WINDOWS) return;
    const far = [...this.windows.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const w of far.slice(0, this.windows.size - KEEP_WINDOWS)) this.windows.delete(w);
  }
}
