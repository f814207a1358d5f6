/**
 * The import dialog's state: the form, the running job's progress from its
 * job events, and the summary it ends with.
 */
import type { JobEvent } from '../../../src-shared/contract/events';
import { IMPORT_JOB_KIND, ImportJobSummary, type ImportLayout } from '../../../src-shared/contract/library';
import type { AppErrorShape } from '../../../src-shared/result';
import { api, onJobEvent } from '../api';

export interface ImportProgressView {
  done: number;
  total: number | null;
  rate: number | null;
  etaSeconds: number | null;
  message: string;
}

export class ImportState {
  path = $state('');
  layout = $state<ImportLayout>('auto');
  reports = $state('');
  running = $state(false);
  progress = $state<ImportProgressView | null>(null);
  summary = $state<ImportJobSummary | null>(null);
  error = $state<AppErrorShape | null>(null);
  private jobId: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly onFinished: () => void) {}

  async start(): Promise<void> {
    if (this.running || this.path.trim() === '') return;
    [this.running, this.progress, this.summary, this.error, this.jobId] = [true, null, null, null, null];
    // Listen before starting: the first events may arrive before the call returns.
    this.unsubscribe = onJobEvent((event) => this.onEvent(event));
    const result = await api.library.startImport({
      path: this.path.trim(),
      layout: this.layout,
      ...(this.reports.trim() ? { reports: this.reports.trim() } : {}),
    });
    if (!result.ok) {
      this.finish();
      this.error = result.error;
      return;
    }
    this.jobId = result.value.jobId;
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private onEvent(event: JobEvent): void {
    // One import runs at a time; before the start call returns its job id is not known yet.
    if (event.kind !== IMPORT_JOB_KIND || (this.jobId !== null && event.jobId !== this.jobId)) return;
    if (event.type === 'progress') {
      this.progress = { done: event.done, total: event.total, rate: event.rate, etaSeconds: event.etaSeconds, message: event.message ?? '' };
    } else if (event.type === 'done') {
      const parsed = ImportJobSummary.safeParse(event.summary);
      this.finish();
      if (parsed.success) this.summary = parsed.data;
      else this.error = { code: 'internal', message: 'The import finished with a summary this screen cannot read.' };
      this.onFinished();
    } else if (event.type === 'failed') {
      this.finish();
      this.error = event.error;
      this.onFinished();
    }
  }

  private finish(): void {
    this.running = false;
    this.dispose();
  }
}

/** "12 s", "3 min", "1 h 5 min". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
