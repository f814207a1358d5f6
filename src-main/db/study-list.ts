/**
 * The study list: one window of rows (offset + limit, so the virtual table can
 * jump anywhere), its total, each row's label status in one schema and, under
 * a report search, the matching passage with its hits marked. Written to stay
 * fast at 100,000 studies: the window's ids come from a narrow query that can
 * walk a sort index, and only those rows get their per-row columns.
 */
import type { LabelState, ListOptions, ListStudiesInput, StudyFilters, StudyListItem, StudyPage, StudySortField } from '../../src-shared/contract/library';
import type { Db } from './connection';
import { reportFtsQuery } from './fts-query';
import { SELECT_STUDY, studyFilterConditions, toSummary, type StudyRow } from './studies-repo';

export type ListQuery = Required<Omit<ListStudiesInput, 'labelSchemaId'>> & { labelSchemaId?: number; filters: StudyFilters };

const SORT_SQL: Record<StudySortField, string> = {
  studyDate: 's.study_date',
  patientId: 'p.patient_id',
  modality: 's.modalities',
  description: 's.description',
  imageCount: '(SELECT count(*) FROM instances i JOIN series se ON se.id = i.series_id WHERE se.study_id = s.id)',
  importedAt: 's.imported_at',
};

/** Words of context around the hits in a matched passage. */
const MATCH_TOKENS = 14;

interface ListSchema {
  id: number;
  name: string;
  /** Observations (labels) the schema asks for per study. */
  total: number;
}

function listSchema(db: Db, wanted: number | undefined): ListSchema | null {
  const row = (
    wanted === undefined
      ? db.prepare('SELECT id, name, definition_json FROM label_schemas ORDER BY built_in DESC, id LIMIT 1').get()
      : db.prepare('SELECT id, name, definition_json FROM label_schemas WHERE id = ?').get(wanted)
  ) as { id: number; name: string; definition_json: string } | undefined;
  if (!row) return null;
  let total = 1;
  try {
    const definition = JSON.parse(row.definition_json) as { labels?: unknown };
    if (Array.isArray(definition.labels)) total = Math.max(1, definition.labels.length);
  } catch {
    // A definition that is not JSON still names one label per study.
  }
  return { id: row.id, name: row.name, total };
}

const SET_BY_PEOPLE = `l.study_id = s.id AND l.schema_id = @schemaId AND l.source IN ('human', 'imported')`;

function labelStateCondition(state: LabelState): string {
  const setCount = `(SELECT count(DISTINCT l.label) FROM labels l WHERE ${SET_BY_PEOPLE})`;
  switch (state) {
    case 'labelled':
      return `EXISTS (SELECT 1 FROM labels l WHERE ${SET_BY_PEOPLE})`;
    case 'unlabelled':
      return `NOT EXISTS (SELECT 1 FROM labels l WHERE ${SET_BY_PEOPLE})`;
    case 'partial':
      return `${setCount} BETWEEN 1 AND @schemaTotal - 1`;
    case 'complete':
      return `${setCount} >= @schemaTotal`;
    case 'suggested':
      return `EXISTS (SELECT 1 FROM labels l WHERE l.study_id = s.id AND l.schema_id = @schemaId AND l.source = 'suggested') AND NOT EXISTS (SELECT 1 FROM labels l WHERE ${SET_BY_PEOPLE})`;
  }
}

interface Where {
  sql: string;
  params: Record<string, unknown>;
  needsPatients: boolean;
}

function whereClause(filters: StudyFilters, schema: ListSchema | null, match: string | null): Where {
  const { parts, params } = studyFilterConditions(filters);
  let needsPatients = false;
  if (filters.text !== undefined && filters.text.trim() !== '') {
    parts.push(
      `(instr(lower(coalesce(p.patient_id, '')), @text) > 0 OR instr(lower(coalesce(s.description, '')), @text) > 0 OR instr(lower(coalesce(s.accession_number, '')), @text) > 0)`,
    );
    params.text = filters.text.trim().toLowerCase();
    needsPatients = true;
  }
  if (match !== null) {
    parts.push('s.id IN (SELECT study_id FROM temp.list_match)');
  }
  if (filters.labelState !== undefined) {
    // Without a schema nothing is labelled: only "unlabelled" keeps rows.
    if (!schema) parts.push(filters.labelState === 'unlabelled' ? '1' : '0');
    else {
      parts.push(labelStateCondition(filters.labelState));
      Object.assign(params, { schemaId: schema.id, schemaTotal: schema.total });
    }
  }
  if (filters.split !== undefined) {
    const dataset = filters.datasetId !== undefined ? ' AND ds.dataset_id = @datasetId' : '';
    parts.push(`EXISTS (SELECT 1 FROM dataset_splits ds WHERE ds.study_id = s.id AND ds.split = @split${dataset})`);
    params.split = filters.split;
    if (filters.datasetId !== undefined) params.datasetId = filters.datasetId;
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params, needsPatients };
}

/**
 * NULLs last in both directions, then id for a stable order across windows.
 * Descending needs no IS NULL term (SQLite sorts NULL lowest), which lets the
 * default newest-first order walk the study_date index.
 */
function orderBy(field: StudySortField, direction: 'asc' | 'desc'): string {
  const column = SORT_SQL[field];
  return direction === 'desc' ? `${column} DESC, s.id DESC` : `${column} IS NULL, ${column} ASC, s.id ASC`;
}

function labelStatuses(db: Db, schema: ListSchema, ids: readonly number[]): Map<number, { labelled: number; suggested: number }> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT study_id,
              count(DISTINCT CASE WHEN source IN ('human', 'imported') THEN label END) AS labelled,
              count(DISTINCT CASE WHEN source = 'suggested' THEN label END) AS suggested
       FROM labels WHERE schema_id = ? AND study_id IN (SELECT value FROM json_each(?)) GROUP BY study_id`,
    )
    .all(schema.id, JSON.stringify(ids)) as { study_id: number; labelled: number; suggested: number }[];
  return new Map(rows.map((r) => [r.study_id, r]));
}

/**
 * The studies whose reports match, in a temp table that later windows of the
 * same search reuse until the library changes: at 100,000 reports a common
 * word matches half of them, and resolving that set again for each window
 * would cost the scroll 100 ms a time.
 */
const matchTables = new WeakMap<Db, { match: string; version: string }>();

function libraryVersion(db: Db): string {
  const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  return `${String(db.pragma('data_version', { simple: true }))}:${changes}`;
}

function prepareMatchTable(db: Db, match: string): void {
  const cached = matchTables.get(db);
  if (cached && cached.match === match && cached.version === libraryVersion(db)) return;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS list_match (study_id INTEGER PRIMARY KEY)');
  db.prepare('DELETE FROM temp.list_match').run();
  db.prepare('INSERT OR IGNORE INTO temp.list_match SELECT r.study_id FROM reports r WHERE r.id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)').run(match);
}

/** Called after this connection's own temp-table writes, which count as changes too. */
function rememberMatchTable(db: Db, match: string): void {
  matchTables.set(db, { match, version: libraryVersion(db) });
}

/**
 * The first matching report's passage per study, hits between MATCH_START
 * (char 2) and MATCH_END (char 3). The passages come from a scratch FTS5
 * table holding only this window's reports, tokenized like reports_fts: a
 * rowid-constrained MATCH on the big index runs the whole query per row
 * (4 ms each at 100,000 reports).
 */
function matchedPassages(db: Db, match: string, ids: readonly number[]): Map<number, string> {
  // Dropped and made afresh: emptying an FTS5 table row by row tokenizes every row again.
  db.exec(`DROP TABLE IF EXISTS temp.list_passages; CREATE VIRTUAL TABLE temp.list_passages USING fts5(raw_text, tokenize = 'porter unicode61 remove_diacritics 2')`);
  const reports = db.prepare('SELECT r.id, r.study_id, r.raw_text FROM reports r WHERE r.study_id IN (SELECT value FROM json_each(?)) ORDER BY r.id').all(JSON.stringify(ids)) as {
    id: number;
    study_id: number;
    raw_text: string;
  }[];
  const insert = db.prepare('INSERT INTO temp.list_passages (rowid, raw_text) VALUES (?, ?)');
  for (const r of reports) insert.run(r.id, r.raw_text);
  const found = db
    .prepare(`SELECT rowid AS id, snippet(list_passages, 0, char(2), char(3), '…', ${MATCH_TOKENS}) AS text FROM temp.list_passages WHERE list_passages MATCH ? ORDER BY rowid`)
    .all(match) as { id: number; text: string }[];
  const studyOf = new Map(reports.map((r) => [r.id, r.study_id]));
  const passages = new Map<number, string>();
  for (const { id, text } of found) {
    const study = studyOf.get(id)!;
    if (!passages.has(study)) passages.set(study, text.replace(/\s+/g, ' ').trim());
  }
  db.exec('DROP TABLE temp.list_passages');
  return passages;
}

export function listStudies(db: Db, q: ListQuery): StudyPage {
  const schema = listSchema(db, q.labelSchemaId);
  const match = q.filters.reportQuery === undefined ? null : reportFtsQuery(q.filters.reportQuery);
  if (match !== null) prepareMatchTable(db, match);
  const where = whereClause(q.filters, schema, match);
  const patients = where.needsPatients || q.sort.field === 'patientId' ? 'JOIN patients p ON p.id = s.patient_id' : '';
  const total = (db.prepare(`SELECT count(*) AS n FROM studies s ${where.needsPatients ? patients : ''} ${where.sql}`).get(where.params) as { n: number }).n;
  const ids = (
    db.prepare(`SELECT s.id FROM studies s ${patients} ${where.sql} ORDER BY ${orderBy(q.sort.field, q.sort.direction)} LIMIT @limit OFFSET @offset`).all({
      ...where.params,
      limit: q.limit,
      offset: q.offset,
    }) as { id: number }[]
  ).map((r) => r.id);
  const rows = db.prepare(`${SELECT_STUDY} WHERE s.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as StudyRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const statuses = schema ? labelStatuses(db, schema, ids) : new Map<number, { labelled: number; suggested: number }>();
  const passages = match ? matchedPassages(db, match, ids) : new Map<number, string>();
  if (match !== null) rememberMatchTable(db, match);
  const items: StudyListItem[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue; // deleted between the two reads
    const status = statuses.get(id);
    items.push({
      ...toSummary(row),
      labelStatus: schema ? { labelled: status?.labelled ?? 0, total: schema.total, suggested: status?.suggested ?? 0 } : null,
      reportMatch: passages.get(id) ?? null,
    });
  }
  return { total, offset: q.offset, limit: q.limit, labelSchema: schema ? { id: schema.id, name: schema.name } : null, items };
}

/** What the list's filter controls can offer: modalities present, datasets with their split sizes, label schemas. */
export function listOptions(db: Db): ListOptions {
  const modalities = (db.prepare('SELECT DISTINCT modality FROM series WHERE modality IS NOT NULL ORDER BY modality').all() as { modality: string }[]).map((r) => r.modality);
  const datasets = db
    .prepare(
      `SELECT d.id, d.name,
              count(CASE WHEN ds.split = 'train' THEN 1 END) AS train,
              count(CASE WHEN ds.split = 'val' THEN 1 END) AS val,
              count(CASE WHEN ds.split = 'test' THEN 1 END) AS test
       FROM datasets d JOIN dataset_splits ds ON ds.dataset_id = d.id GROUP BY d.id ORDER BY d.name`,
    )
    .all() as ListOptions['datasets'];
  const labelSchemas = (db.prepare('SELECT id, name, built_in FROM label_schemas ORDER BY built_in DESC, id').all() as { id: number; name: string; built_in: number }[]).map((r) => ({
    id: r.id,
    name: r.name,
    builtIn: r.built_in === 1,
  }));
  return { modalities, datasets, labelSchemas };
}
