/**
 * Labelling state beside the viewer: the schemas and the active one (kept
 * in localStorage), the open study's labels and suggestions, the focused
 * label, and an undo stack of this session's changes (accepting several
 * suggestions is one step). Every change goes to the services at once.
 *
 * Suggestions come from sources: the report labeller's are stored by the
 * services and arrive with the study's labels; another suggester (e.g.
 * zero-shot scores) can add its own with `setSuggestionSource`, and the
 * panel shows them all the same way.
 */
import type { CreateSchemaInput, CsvImportResult, LabelSchema, StudyLabel, StudyLabels } from '../../../src-shared/contract/labels';
import type { AppErrorShape } from '../../../src-shared/result';
import { api, onJobEvent } from '../api';
import type { PanelSuggestion, SourcedSuggestion } from './panel-suggestion';

interface Change {
  studyId: number;
  label: string;
  previous: string | null;
}

export type { PanelSuggestion, SourcedSuggestion } from './panel-suggestion';

const SCHEMA_KEY = 'convirt.labels.schemaId';
const AUTO_SUGGEST_KEY = 'convirt.labels.autoSuggest';

function remembered(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function remember(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not kept past this session.
  }
}

export class LabelState {
  schemas = $state<LabelSchema[]>([]);
  schema = $state<LabelSchema | null>(null);
  current = $state<StudyLabels | null>(null);
  focus = $state(0);
  error = $state<AppErrorShape | null>(null);
  undoDepth = $state(0);
  /** Run the report labeller when a study opens (it stores suggestions, never labels). */
  autoSuggest = $state(remembered(AUTO_SUGGEST_KEY) !== 'false');
  /** Other suggesters' suggestions for the open study: origin -> suggestions. */
  otherSources = $state<Record<string, { studyId: number; suggestions: SourcedSuggestion[] }>>({});
  /** The pass over the library: studies done of total while it runs, then what it found. */
  libraryPass = $state<{ done: number; total: number | null; message: string | null } | null>(null);
  private readonly undoStack: Change[][] = [];
  private serial = 0;
  /** Changes reach the services in the order the keys were pressed. */
  private queue: Promise<void> = Promise.resolve();

  readonly byLabel: Map<string, StudyLabel> = $derived(new Map((this.current?.labels ?? []).map((l) => [l.label, l])));

  /** Open suggestions per label, stored ones first; labels a person or an import has set have none. */
  readonly suggestions: Map<string, PanelSuggestion[]> = $derived.by(() => {
    const out = new Map<string, PanelSuggestion[]>();
    const studyId = this.current?.studyId;
    const add = (s: SourcedSuggestion, stored: boolean) => {
      if (this.byLabel.has(s.label) || !this.schema?.labels.includes(s.label) || !this.schema.values.includes(s.value)) return;
      out.set(s.label, [...(out.get(s.label) ?? []), { ...s, stored }]);
    };
    for (const s of this.current?.suggestions ?? []) add(s, true);
    for (const source of Object.values(this.otherSources)) if (source.studyId === studyId) for (const s of source.suggestions) add(s, false);
    return out;
  });

  async init(): Promise<void> {
    if (this.schema) return;
    const result = await api.labels.schemas({});
    if (!result.ok) return void (this.error = result.error);
    this.schemas = result.value;
    const wanted = Number(remembered(SCHEMA_KEY));
    this.schema = result.value.find((s) => s.id === wanted) ?? result.value.find((s) => s.builtIn) ?? result.value[0] ?? null;
  }

  async load(studyId: number): Promise<void> {
    await this.init();
    if (!this.schema) return;
    const serial = ++this.serial;
    const input = { studyId, schemaId: this.schema.id };
    let result = this.autoSuggest ? await api.labels.suggest(input) : await api.labels.forStudy(input);
    // A library that cannot be written to still shows its labels, without new suggestions.
    if (!result.ok && result.error.code === 'read_only') result = await api.labels.forStudy(input);
    if (serial !== this.serial) return;
    if (!result.ok) return void (this.error = result.error);
    if (result.value.studyId !== this.current?.studyId || result.value.schemaId !== this.current?.schemaId) this.focus = 0;
    [this.current, this.error] = [result.value, null];
  }

  async selectSchema(schemaId: number): Promise<void> {
    const schema = this.schemas.find((s) => s.id === schemaId);
    if (!schema || schema.id === this.schema?.id) return;
    this.schema = schema;
    remember(SCHEMA_KEY, String(schemaId));
    if (this.current) await this.load(this.current.studyId);
  }

  async createSchema(input: CreateSchemaInput): Promise<LabelSchema | null> {
    const result = await api.labels.createSchema(input);
    if (!result.ok) return (this.error = result.error), null;
    this.schemas = [...this.schemas, result.value];
    await this.selectSchema(result.value.id);
    return result.value;
  }

  setAutoSuggest(on: boolean): void {
    this.autoSuggest = on;
    remember(AUTO_SUGGEST_KEY, String(on));
    if (on && this.current) void this.load(this.current.studyId);
  }

  /** Runs the report labeller over every study with a report (suggestions only), following its progress events. */
  async suggestLibrary(): Promise<void> {
    if (!this.schema || this.libraryPass?.message === null) return;
    this.libraryPass = { done: 0, total: null, message: null };
    const stop = onJobEvent((event) => {
      if (event.kind === 'suggest-labels' && event.type === 'progress' && this.libraryPass) this.libraryPass = { ...this.libraryPass, done: event.done, total: event.total };
    });
    const result = await api.labels.suggestAll({ schemaId: this.schema.id });
    stop();
    if (!result.ok) {
      this.error = result.error;
      this.libraryPass = null;
      return;
    }
    const { studies, suggestions, tookMs } = result.value;
    this.libraryPass = { done: studies, total: studies, message: `${suggestions} suggestions for ${studies} studies with a report (${(tookMs / 1000).toFixed(1)} s).` };
    if (this.current) await this.load(this.current.studyId);
  }

  /** For another suggester: its suggestions for a study, shown beside the report labeller's. */
  setSuggestionSource(origin: string, studyId: number, suggestions: SourcedSuggestion[]): void {
    this.otherSources = { ...this.otherSources, [origin]: { studyId, suggestions } };
  }

  set(studyId: number, label: string, value: string | null, recordUndo = true): Promise<void> {
    this.queue = this.queue.then(() => this.save(studyId, label, value, recordUndo));
    return this.queue;
  }

  private async save(studyId: number, label: string, value: string | null, recordUndo: boolean): Promise<void> {
    if (!this.schema) return;
    const previous = studyId === this.current?.studyId ? (this.byLabel.get(label)?.value ?? null) : null;
    if (recordUndo && previous === value) return;
    const result = await api.labels.set({ studyId, schemaId: this.schema.id, label, value });
    if (!result.ok) return void (this.error = result.error);
    if (recordUndo) this.pushUndo([{ studyId, label, previous }]);
    if (result.value.studyId === this.current?.studyId) [this.current, this.error] = [result.value, null];
  }

  /**
   * Accepts the open study's suggestions (all, or those of `labels`) as the
   * person's labels; one undo step. Stored suggestions go through
   * labels:accept (the services record who and when and keep any label a
   * person set meanwhile); another source's are set as labels.
   */
  acceptSuggestions(labels?: readonly string[]): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (!this.schema || !this.current) return;
      const studyId = this.current.studyId;
      const wanted = [...this.suggestions].filter(([label]) => !labels || labels.includes(label));
      if (wanted.length === 0) return;
      const stored = wanted.filter(([, list]) => list[0]!.stored).map(([label]) => label);
      const others = wanted.filter(([, list]) => !list[0]!.stored).map(([label, list]) => [label, list[0]!.value] as const);
      const changes: Change[] = wanted.map(([label]) => ({ studyId, label, previous: null }));
      if (stored.length > 0) {
        const result = await api.labels.accept({ studyId, schemaId: this.schema.id, labels: stored });
        if (!result.ok) return void (this.error = result.error);
        if (result.value.studyId === this.current?.studyId) this.current = result.value;
      }
      for (const [label, value] of others) {
        const result = await api.labels.set({ studyId, schemaId: this.schema.id, label, value });
        if (!result.ok) return void (this.error = result.error);
        if (result.value.studyId === this.current?.studyId) this.current = result.value;
      }
      this.pushUndo(changes);
      this.error = null;
    });
    return this.queue;
  }

  private pushUndo(changes: Change[]): void {
    this.undoStack.push(changes);
    this.undoDepth = this.undoStack.length;
  }

  /** Sets the focused label and moves the focus to the next one. */
  async setFocused(value: string | null): Promise<void> {
    const label = this.schema?.labels[this.focus];
    if (!label || !this.current) return;
    this.moveFocus(1);
    await this.set(this.current.studyId, label, value);
  }

  moveFocus(delta: number): void {
    const count = this.schema?.labels.length ?? 0;
    this.focus = Math.min(count - 1, Math.max(0, this.focus + delta));
  }

  /** Undoes this session's last step; returns the study it was on, for the viewer to show. */
  async undo(): Promise<number | null> {
    const changes = this.undoStack.pop();
    this.undoDepth = this.undoStack.length;
    if (!changes || changes.length === 0) return null;
    for (const change of [...changes].reverse()) await this.set(change.studyId, change.label, change.previous, false);
    return changes[0]!.studyId;
  }

  async neighbour(studyId: number, direction: 'next' | 'previous' | 'nextUnlabelled'): Promise<number | null> {
    if (!this.schema) return null;
    const result = await api.labels.neighbour({ schemaId: this.schema.id, studyId, direction });
    return result.ok ? result.value.studyId : null;
  }

  async exportCsv(): Promise<string | null> {
    if (!this.schema) return null;
    const result = await api.labels.exportCsv({ schemaId: this.schema.id });
    if (!result.ok) return (this.error = result.error), null;
    return result.value.csv;
  }

  async importCsv(csv: string): Promise<CsvImportResult | null> {
    if (!this.schema) return null;
    const result = await api.labels.importCsv({ schemaId: this.schema.id, csv });
    if (!result.ok) return (this.error = result.error), null;
    if (this.current) await this.load(this.current.studyId);
    return result.value;
  }
}

export const labelState = new LabelState();
