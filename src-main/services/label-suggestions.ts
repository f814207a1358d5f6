/**
 * Suggestions from the report labeller, stored in labels with source =
 * 'suggested' and author = the suggester ('report'). They never touch human
 * or imported rows; accepting one writes a human row with who and when. The
 * deciding sentence is not stored: it is found again by running the (pure,
 * deterministic) labeller on the report when the study is read, and shown
 * only when it still gives the stored value.
 */
import type { LabelSchema, LabelSuggestion, SuggestAllResult } from '../../src-shared/contract/labels';
import type { Db } from '../db/connection';
import { reportSentencesToLabel, suggestionsForSchema, type SchemaSuggestion } from '../labeller/index';

export const REPORT_ORIGIN = 'report';

/** Progress of a pass over the library: studies done of total. */
export type SuggestProgress = (done: number, total: number) => void;

function firstReport(db: Db, studyId: number): string | null {
  const row = db.prepare('SELECT raw_text FROM reports WHERE study_id = ? ORDER BY id LIMIT 1').get(studyId) as { raw_text: string } | undefined;
  return row?.raw_text ?? null;
}

/** The labeller's suggestions for one report text, in the schema's values. */
export function suggestForText(schema: LabelSchema, rawText: string): SchemaSuggestion[] {
  return suggestionsForSchema(schema, reportSentencesToLabel(rawText));
}

export class SuggestionStore {
  private readonly clearStudy;
  private readonly insert;
  private readonly stored;
  private readonly acceptOne;

  constructor(private readonly db: Db) {
    this.clearStudy = db.prepare("DELETE FROM labels WHERE study_id = ? AND schema_id = ? AND source = 'suggested' AND author = ?");
    this.insert = db.prepare("INSERT INTO labels (study_id, schema_id, label, value, source, author) VALUES (?, ?, ?, ?, 'suggested', ?)");
    this.stored = db.prepare(
      `SELECT label, value, author AS origin, created_at AS at FROM labels s
       WHERE s.study_id = ? AND s.schema_id = ? AND s.source = 'suggested'
         AND NOT EXISTS (SELECT 1 FROM labels h WHERE h.study_id = s.study_id AND h.schema_id = s.schema_id AND h.label = s.label AND h.source IN ('human', 'imported'))
       ORDER BY label`,
    );
    // Only where no person or import has set the label: a human label is never overwritten.
    this.acceptOne = db.prepare(
      `INSERT INTO labels (study_id, schema_id, label, value, source, author)
       SELECT study_id, schema_id, label, value, 'human', @author FROM labels
       WHERE study_id = @studyId AND schema_id = @schemaId AND label = @label AND source = 'suggested'
         AND NOT EXISTS (SELECT 1 FROM labels h WHERE h.study_id = @studyId AND h.schema_id = @schemaId AND h.label = @label AND h.source IN ('human', 'imported'))
       ORDER BY author = '${REPORT_ORIGIN}' DESC LIMIT 1`,
    );
  }

  /** Replaces the study's report suggestions; returns how many were stored (0 without a report). */
  suggestStudy(schema: LabelSchema, studyId: number): number {
    const raw = firstReport(this.db, studyId);
    const suggestions = raw === null ? [] : suggestForText(schema, raw);
    this.db.transaction(() => {
      this.clearStudy.run(studyId, schema.id, REPORT_ORIGIN);
      for (const s of suggestions) this.insert.run(studyId, schema.id, s.label, s.value, REPORT_ORIGIN);
    })();
    return suggestions.length;
  }

  /**
   * Every study with a report, in chunks of one transaction each; between
   * chunks the event loop runs, so other requests and the progress events
   * get through while a large library is labelled.
   */
  async suggestAll(schema: LabelSchema, onProgress?: SuggestProgress): Promise<SuggestAllResult> {
    const started = performance.now();
    const ids = (this.db.prepare('SELECT DISTINCT study_id AS id FROM reports ORDER BY study_id').all() as { id: number }[]).map((r) => r.id);
    let suggestions = 0;
    const CHUNK = 200;
    for (let i = 0; i < ids.length; i += CHUNK) {
      this.db.transaction(() => {
        for (const id of ids.slice(i, i + CHUNK)) suggestions += this.suggestStudy(schema, id);
      })();
      onProgress?.(Math.min(ids.length, i + CHUNK), ids.length);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { studies: ids.length, suggestions, tookMs: performance.now() - started };
  }

  /** Open suggestions of a study (labels nobody has set), with the deciding sentence for report ones. */
  forStudy(schema: LabelSchema, studyId: number): LabelSuggestion[] {
    const rows = this.stored.all(studyId, schema.id) as Omit<LabelSuggestion, 'evidence'>[];
    if (rows.length === 0) return [];
    const raw = rows.some((r) => r.origin === REPORT_ORIGIN) ? firstReport(this.db, studyId) : null;
    const fresh = new Map((raw === null ? [] : suggestForText(schema, raw)).map((s) => [s.label, s]));
    return rows.map((r) => {
      const again = r.origin === REPORT_ORIGIN ? fresh.get(r.label) : undefined;
      const evidence =
        again && again.value === r.value && again.sentence
          ? { sentence: again.sentence.text, start: again.sentence.start, end: again.sentence.end, mention: again.mention, cue: again.cue }
          : null;
      return { ...r, evidence };
    });
  }

  /** Accepts the study's open suggestions (or those of `labels`) as the author's labels; returns how many. */
  accept(schema: LabelSchema, studyId: number, author: string, labels?: readonly string[]): number {
    const wanted = labels ?? schema.labels;
    let accepted = 0;
    this.db.transaction(() => {
      for (const label of wanted) accepted += this.acceptOne.run({ studyId, schemaId: schema.id, label, author }).changes;
    })();
    return accepted;
  }
}
