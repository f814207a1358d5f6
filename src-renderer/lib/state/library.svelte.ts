/** The Library screen's state: one page of studies, its sort and filters. */
import type { StudyFilters, StudyPage, StudySortField } from '../../../src-shared/contract/library';
import type { AppErrorShape } from '../../../src-shared/result';
import { api } from '../api';

export class LibraryState {
  page = $state<StudyPage | null>(null);
  sortField = $state<StudySortField>('studyDate');
  sortDirection = $state<'asc' | 'desc'>('desc');
  filters = $state<StudyFilters>({});
  pageSize = $state(50);
  offset = $state(0);
  loading = $state(false);
  error = $state<AppErrorShape | null>(null);

  readonly pageCount = $derived(this.page ? Math.max(1, Math.ceil(this.page.total / this.pageSize)) : 1);
  readonly pageIndex = $derived(Math.floor(this.offset / this.pageSize));

  private requestSerial = 0;

  async load(): Promise<void> {
    const serial = ++this.requestSerial;
    this.loading = true;
    const result = await api.library.listStudies({
      offset: this.offset,
      limit: this.pageSize,
      sort: { field: this.sortField, direction: this.sortDirection },
      filters: $state.snapshot(this.filters),
    });
    if (serial !== this.requestSerial) return; // a newer request superseded this one
    this.loading = false;
    if (result.ok) {
      this.page = result.value;
      this.error = null;
    } else {
      this.error = result.error;
    }
  }

  sortBy(field: StudySortField): void {
    if (this.sortField === field) this.sortDirection = this.sortDirection === 'asc' ? 'desc' : 'asc';
    else {
      this.sortField = field;
      this.sortDirection = field === 'studyDate' || field === 'importedAt' || field === 'imageCount' ? 'desc' : 'asc';
    }
    this.offset = 0;
    void this.load();
  }

  setFilters(filters: StudyFilters): void {
    this.filters = filters;
    this.offset = 0;
    void this.load();
  }

  goToPage(index: number): void {
    const clamped = Math.min(Math.max(0, index), this.pageCount - 1);
    this.offset = clamped * this.pageSize;
    void this.load();
  }
}
