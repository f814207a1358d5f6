/**
 * The Evaluate screen's state: the library's label tasks and encoders, the
 * stored results (opened without recomputing), the run form, and the one
 * running evaluation job, followed through its JobEvents.
 */
import type { EvalEncoder, EvalJob, EvalProtocol, EvalResult, EvalResultSummary, EvalTask } from '../../../src-shared/contract/evaluation';
import type { JobEvent } from '../../../src-shared/contract/events';
import type { AppErrorShape } from '../../../src-shared/result';
import { api, onJobEvent } from '../api';

/** The label fractions the form offers (the paper's 1% / 10% / 100%). */
export const FRACTION_CHOICES = [0.01, 0.1, 1] as const;

export interface JobProgress {
  jobId: string;
  task: string;
  phase: string;
  done: number;
  total: number | null;
  etaSeconds: number | null;
}

export class EvaluationState {
  tasks = $state<EvalTask[]>([]);
  encoders = $state<EvalEncoder[]>([]);
  results = $state<EvalResultSummary[]>([]);
  /** The result on screen. */
  result = $state<EvalResult | null>(null);
  error = $state<AppErrorShape | null>(null);
  job = $state<JobProgress | null>(null);
  /** The last job's end, shown until the next run ("cancelled", or the error). */
  jobEnd = $state<string | null>(null);

  /** Form: task name, encoder ids, fractions, seeds, retrieval. */
  taskName = $state<string | null>(null);
  encoderIds = $state<string[]>(['random']);
  fractions = $state<number[]>([...FRACTION_CHOICES]);
  seeds = $state(5);
  retrieval = $state(true);
  /** Linear probe, or fine-tuning (encoder trained too: far slower on a CPU) with its epoch cap. */
  protocol = $state<EvalProtocol>('linear');
  maxEpochs = $state(20);

  private unsubscribe: (() => void) | null = null;

  /** Starts listening to job events; returns the teardown. */
  listen(): () => void {
    this.unsubscribe ??= onJobEvent((event) => this.onEvent(event));
    return () => {
      this.unsubscribe?.();
      this.unsubscribe = null;
    };
  }

  async load(): Promise<void> {
    const [tasks, encoders, results, jobs] = await Promise.all([api.evaluation.listTasks({}), api.evaluation.listEncoders({}), api.evaluation.listResults({}), api.evaluation.listJobs({})]);
    for (const r of [tasks, encoders, results, jobs]) if (!r.ok) this.error = r.error;
    if (tasks.ok) {
      this.tasks = tasks.value;
      if (this.taskName === null || !tasks.value.some((t) => t.name === this.taskName)) this.taskName = tasks.value.find((t) => t.problem === null)?.name ?? null;
    }
    if (encoders.ok) this.encoders = encoders.value;
    if (results.ok) this.results = results.value;
    if (jobs.ok && jobs.value[0]) this.adopt(jobs.value[0]);
    const newest = this.results.find((r) => r.status === 'done');
    if (!this.result && newest) await this.open(newest.runId);
  }

  async refreshResults(): Promise<void> {
    const results = await api.evaluation.listResults({});
    if (results.ok) this.results = results.value;
  }

  async open(runId: number): Promise<void> {
    const result = await api.evaluation.getResult({ runId });
    if (result.ok) {
      this.result = result.value;
      this.error = null;
    } else this.error = result.error;
  }

  get selectedTask(): EvalTask | undefined {
    return this.tasks.find((t) => t.name === this.taskName);
  }

  get canRun(): boolean {
    const task = this.selectedTask;
    return !this.job && !!task && task.problem === null && this.encoderIds.length > 0 && this.fractions.length > 0 && this.seeds >= 1;
  }

  toggle<T>(list: T[], value: T): T[] {
    return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  }

  async run(): Promise<void> {
    const task = this.selectedTask;
    if (!task || !this.canRun) return;
    this.jobEnd = null;
    const started = await api.evaluation.run({
      task: task.schema,
      ...(task.label !== null ? { label: task.label } : {}),
      encoders: this.encoderIds,
      fractions: [...this.fractions].sort((a, b) => a - b),
      seeds: this.seeds,
      retrieval: this.retrieval,
      protocol: this.protocol,
      ...(this.protocol === 'finetune' ? { maxEpochs: this.maxEpochs } : {}),
    });
    if (!started.ok) {
      this.error = started.error;
      return;
    }
    this.error = null;
    // Events may have arrived before this answer; keep what they said.
    if (this.job?.jobId !== started.value.jobId) this.adopt(started.value);
    await this.refreshResults();
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    const answer = await api.evaluation.cancel({ jobId: this.job.jobId });
    if (!answer.ok) this.error = answer.error;
  }

  private adopt(job: EvalJob): void {
    this.job = { jobId: job.jobId, task: job.task, phase: job.phase, done: job.done, total: job.total, etaSeconds: null };
  }

  private onEvent(event: JobEvent): void {
    if (event.kind !== 'eval') return;
    const job = this.job;
    switch (event.type) {
      case 'started':
        this.job = { jobId: event.jobId, task: job?.task ?? this.taskName ?? '', phase: 'starting', done: 0, total: null, etaSeconds: null };
        break;
      case 'progress':
        this.job = { jobId: event.jobId, task: job?.task ?? this.taskName ?? '', phase: event.message ?? job?.phase ?? '', done: event.done, total: event.total, etaSeconds: event.etaSeconds };
        break;
      case 'log':
        void this.refreshResults();
        break;
      case 'done': {
        this.job = null;
        this.jobEnd = null;
        const runId = (event.summary as { runId?: unknown } | null)?.runId;
        void this.refreshResults().then(() => (typeof runId === 'number' ? this.open(runId) : undefined));
        break;
      }
      case 'failed':
        this.job = null;
        this.jobEnd = `failed: ${event.error.message}`;
        void this.refreshResults();
        break;
      case 'cancelled':
        this.job = null;
        this.jobEnd = 'cancelled';
        void this.refreshResults();
        break;
    }
  }
}
