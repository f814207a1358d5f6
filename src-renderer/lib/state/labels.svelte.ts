/**
 * Labelling state beside the viewer: the active schema, the open study's
 * labels, the focused observation, and an undo stack of this session's
 * changes. Every change goes to the services at once.
 */
import type { CsvImportResult, LabelSchema, StudyLabel, StudyLabels } from '../../../src-shared/contract/labels';
import type { AppErrorShape } from '../../../src-shared/result';
import { api } from '../api';

interface Change {
  studyId: number;
  label: string;
  previous: string | null;
}

export class LabelState {
  schemas = $state<LabelSchema[]>([]);
  schema = $state<LabelSchema | null>(null);
  current = $state<StudyLabels | null>(null);
  focus = $state(0);
  error = $state<AppErrorShape | null>(null);
  undoDepth = $state(0);
  private readonly undoStack: Change[] = [];
  private serial = 0;
  /** Changes reach the services in the order the keys were pressed. */
  private queue: Promise<void> = Promise.resolve();

  readonly byLabel: Map<string, StudyLabel> = $derived(new Map((this.current?.labels ?? []).map((l) => [l.label, l])));

  async init(): Promise<void> {
    if (this.schema) return;
    const result = await api.labels.schemas({});
    if (!result.ok) return void (this.error = result.error);
    this.schemas = result.value;
    this.schema = result.value.find((s) => s.builtIn) ?? result.value[0] ?? null;
  }

  async load(studyId: number): Promise<void> {
    await this.init();
    if (!this.schema) return;
    const serial = ++this.serial;
    const result = await api.labels.forStudy({ studyId, schemaId: this.schema.id });
    if (serial !== this.serial) return;
    if (!result.ok) return void (this.error = result.error);
    if (result.value.studyId !== this.current?.studyId) this.focus = 0;
    [this.current, this.error] = [result.value, null];
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
    if (recordUndo) {
      this.undoStack.push({ studyId, label, previous });
      this.undoDepth = this.undoStack.length;
    }
    if (result.value.studyId === this.current?.studyId) [this.current, this.error] = [result.value, null];
  }

  /** Sets the focused observation and moves the focus to the next one. */
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

  /** Undoes this session's last change; returns the study it was on, for the viewer to show. */
  async undo(): Promise<number | null> {
    const change = this.undoStack.pop();
    this.undoDepth = this.undoStack.length;
    if (!change) return null;
    await this.set(change.studyId, change.label, change.previous, false);
    return change.studyId;
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
