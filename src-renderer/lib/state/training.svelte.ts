/**
 * The Train screen's state: the recommended recipe, the config the button
 * starts (the recommendation unless edited in the advanced panel), the run
 * history, the live run's curves fed by job events, and up to two runs
 * selected for comparison.
 */
import type { JobEvent } from '../../../src-shared/contract/events';
import type { BackendName } from '../../../src-shared/contract/system';
import type { Recommendation, RunDetail, RunSummary } from '../../../src-shared/contract/training';
import { api, onJobEvent } from '../api';

type Config = Record<string, unknown>;

export interface LiveProgress {
  runId: number;
  step: number;
  totalSteps: number;
  epoch: number;
  pairsPerSecond: number;
  etaSeconds: number;
}

/** `pretrain-12` -> 12; null for other jobs. */
export function pretrainRunId(event: JobEvent): number | null {
  if (event.kind !== 'pretrain') return null;
  const id = Number(/^pretrain-(\d+)$/.exec(event.jobId)?.[1]);
  return Number.isInteger(id) ? id : null;
}

export class TrainingState {
  recommendation = $state<Recommendation | null>(null);
  presets = $state<Record<string, Config>>({});
  runs = $state<RunSummary[]>([]);
  /** Loaded run details (config and curves), by run id. */
  details = $state<Record<number, RunDetail>>({});
  live = $state<LiveProgress | null>(null);
  /** Runs shown below the history: one for its details, two side by side. */
  selected = $state<number[]>([]);
  /** The config the button starts, as JSON text. */
  configText = $state('');
  configIssues = $state<string[]>([]);
  backend = $state<BackendName | ''>('');
  error = $state<string | null>(null);
  busy = $state(false);

  readonly active = $derived(this.runs.find((r) => r.attached && r.status === 'running') ?? null);
  readonly edited = $derived(this.recommendation !== null && this.configText !== pretty(this.recommendation.config));
  readonly parsedConfig = $derived(parseConfig(this.configText));

  private validateSerial = 0;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;

  /** Loads everything and follows job events; returns the teardown. */
  start(): () => void {
    void this.load();
    const unsubscribe = onJobEvent((event) => this.onEvent(event));
    return () => {
      unsubscribe();
      clearTimeout(this.pollTimer);
    };
  }

  async load(): Promise<void> {
    const [recommendation, presets] = await Promise.all([api.training.recommend({}), api.training.presets({})]);
    if (recommendation.ok) {
      this.recommendation = recommendation.value;
      if (!this.configText) this.configText = pretty(recommendation.value.config);
    } else this.error = recommendation.error.message;
    if (presets.ok) this.presets = presets.value;
    await this.refreshRuns();
    if (this.active) await this.loadDetail(this.active.id);
  }

  async refreshRuns(): Promise<void> {
    const result = await api.training.listRuns({});
    if (result.ok) this.runs = result.value;
    else this.error = result.error.message;
    const foreign = this.runs.some((r) => r.status === 'running' && !r.attached);
    // A run another process trains (or a worker still stopping) changes without events here: look again soon.
    if (foreign && this.pollTimer === undefined) {
      this.pollTimer = setTimeout(() => {
        this.pollTimer = undefined;
        void this.refreshRuns();
      }, 2000);
    }
  }

  async loadDetail(runId: number): Promise<void> {
    const result = await api.training.getRun({ runId });
    if (result.ok) this.details[runId] = result.value;
    else this.error = result.error.message;
  }

  private onEvent(event: JobEvent): void {
    const runId = pretrainRunId(event);
    if (runId === null) return;
    const detail = this.details[runId];
    switch (event.type) {
      case 'started':
        void this.refreshRuns().then(() => this.loadDetail(runId));
        break;
      case 'train-step':
        this.live = { runId, step: event.step, totalSteps: event.totalSteps, epoch: event.epoch, pairsPerSecond: event.pairsPerSecond, etaSeconds: event.etaSeconds };
        detail?.stepLoss.push({ step: event.step, epoch: event.epoch, loss: event.loss, pairsPerSecond: event.pairsPerSecond });
        if (detail) detail.run.steps = detail.stepLoss.length;
        break;
      case 'train-validation':
        if (detail) {
          detail.epochLoss = [...detail.epochLoss.filter((p) => p.epoch !== event.epoch), { epoch: event.epoch, train: event.trainLoss, val: event.valLoss }];
          detail.run.epochsDone = detail.epochLoss.length;
        }
        break;
      case 'done':
      case 'failed':
      case 'cancelled':
        if (this.live?.runId === runId) this.live = null;
        void this.refreshRuns().then(() => this.loadDetail(runId));
        break;
      default:
        break;
    }
  }

  /** Text edits: JSON syntax here, the schema in the main process. */
  async setConfigText(text: string): Promise<void> {
    this.configText = text;
    const serial = ++this.validateSerial;
    const parsed = parseConfig(text);
    if (typeof parsed === 'string') {
      this.configIssues = [parsed];
      return;
    }
    const result = await api.training.validate({ config: parsed });
    if (serial !== this.validateSerial) return;
    this.configIssues = result.ok ? result.value.issues : [result.error.message];
  }

  /** A field of the advanced form: `path` is dotted (e.g. "loss.tau"). */
  setField(path: string, value: unknown): void {
    const config = this.parsedConfig;
    if (typeof config === 'string') return;
    void this.setConfigText(pretty(setPath(config, path.split('.'), value)));
  }

  usePreset(name: string): void {
    const preset = this.presets[name];
    if (preset) void this.setConfigText(pretty(preset));
  }

  useRecommendation(): void {
    if (this.recommendation) void this.setConfigText(pretty(this.recommendation.config));
  }

  private async act(action: () => Promise<{ ok: true; value: RunSummary } | { ok: false; error: { message: string } }>): Promise<void> {
    this.busy = true;
    this.error = null;
    const result = await action();
    this.busy = false;
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    const runId = result.value.id;
    await this.refreshRuns();
    await this.loadDetail(runId);
  }

  pretrain(): Promise<void> {
    const config = this.parsedConfig;
    if (typeof config === 'string') {
      this.error = config;
      return Promise.resolve();
    }
    return this.act(async () => {
      const result = await api.training.start({ config, ...(this.backend ? { backend: this.backend } : {}) });
      if (result.ok) this.selected = [result.value.id];
      return result;
    });
  }

  pause(runId: number): Promise<void> {
    return this.act(() => api.training.pause({ runId }));
  }

  resume(runId: number): Promise<void> {
    return this.act(() => api.training.resume({ runId, ...(this.backend ? { backend: this.backend } : {}) }));
  }

  cancel(runId: number): Promise<void> {
    return this.act(() => api.training.cancel({ runId }));
  }

  /** Selecting a run shows it; a second shows both side by side; a third replaces the older. */
  toggleSelected(runId: number): void {
    this.selected = this.selected.includes(runId) ? this.selected.filter((id) => id !== runId) : [...this.selected, runId].slice(-2);
    for (const id of this.selected) if (!this.details[id]) void this.loadDetail(id);
  }
}

export function pretty(config: Config): string {
  return JSON.stringify(config, null, 2);
}

/** The config object, or a message saying why the text is not one. */
export function parseConfig(text: string): Config | string {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Config) : 'The config must be a JSON object.';
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

function setPath(config: Config, path: string[], value: unknown): Config {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...config, [head]: value };
  const child = config[head];
  return { ...config, [head]: setPath(child && typeof child === 'object' ? (child as Config) : {}, rest, value) };
}

/** Reads a dotted path of a config (undefined when absent). */
export function getPath(config: Config, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Config)[key] : undefined), config);
}
