/**
 * Search end to end over a real library file. The query embedder is a real,
 * deterministic one (hashed bag of words, 64-d): each image vector is the
 * mean of its study's sentence vectors plus seeded noise, so text about a
 * finding must find the studies whose reports state it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { EmbeddingsRepo } from '../../src-main/db/embeddings-repo';
import type { QueryEmbedder } from '../../src-main/search/query-embedder';
import { SemanticSearch } from '../../src-main/search/semantic-search';
import { SearchFilters } from '../../src-shared/contract/search';
import { openTempLibrary, seedStudies, type StudySpec } from './library-fixture';
import { gaussian, mulberry32 } from './seeded';

const DIM = 64;

function bagOfWords(text: string): Float32Array {
  const v = new Float32Array(DIM);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    if (['no', 'of', 'the', 'is', 'and', 'a'].includes(word)) continue;
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
    v[(h >>> 0) % DIM]! += 1;
  }
  return v;
}

const REPORTS: StudySpec[] = [
  { date: '2019-03-01', modality: 'CR', sentences: ['Small left pleural effusion.', 'Heart size is normal.'], labels: [{ label: 'Pleural Effusion', value: 'positive', source: 'human' }] },
  { date: '2020-06-10', modality: 'DX', sentences: ['Large right pleural effusion with atelectasis.', 'Mediastinum unremarkable.'], labels: [{ label: 'Pleural Effusion', value: 'positive', source: 'imported' }] },
  { date: '2021-01-05', modality: 'CR', sentences: ['Cardiomegaly.', 'Pulmonary vascular congestion.'] },
  { date: '2021-08-20', modality: 'CR', sentences: ['Right upper lobe pneumonia.', 'Heart size is normal.'], labels: [{ label: 'Pleural Effusion', value: 'negative', source: 'human' }] },
  { date: '2022-02-14', modality: 'CR', sentences: ['Lungs are clear.', 'No pneumothorax.'] },
  { date: '2022-09-30', modality: 'CT', images: 2 },
];

function embedLibrary(db: Db, studies: ReturnType<typeof seedStudies>): void {
  const repo = new EmbeddingsRepo(db);
  const rand = mulberry32(5);
  for (const s of repo.missingSentences('bow-1')) {
    repo.writeBatch({ modelId: 'bow-1' }, 'sentence', [{ studyId: s.studyId, sentenceId: s.sentenceId, vector: bagOfWords(s.text) }]);
  }
  const texts = studies.map((_, i) => (REPORTS[i]!.sentences ?? ['unreported']).join(' '));
  const items = repo.missingImages('bow-1').map(({ instanceId, studyId }) => {
    const v = bagOfWords(texts[studies.findIndex((s) => s.studyId === studyId)]!);
    for (let j = 0; j < DIM; j++) v[j]! += 0.05 * gaussian(rand);
    return { studyId, instanceId, vector: v };
  });
  repo.writeBatch({ modelId: 'bow-1' }, 'image', items);
}

function setup() {
  const { db, path } = openTempLibrary();
  const studies = seedStudies(db, REPORTS);
  embedLibrary(db, studies);
  const embedded: number[] = [];
  const embedder: QueryEmbedder = {
    embedText: (text) => bagOfWords(text),
    embedImage: (id) => {
      embedded.push(id);
      return bagOfWords('pleural effusion');
    },
  };
  return { db, path, studies, search: new SemanticSearch(db, (id) => (id === 'bow-1' ? embedder : null)), embedded };
}

const request = (filters: Partial<SearchFilters> = {}, k = 3) => ({ k, filters: SearchFilters.parse(filters) });

test('text search ranks the studies whose reports state the finding, with the matching sentence and its offsets', async () => {
  const { db, studies, search } = setup();
  const res = await search.text({ ...request(), text: 'pleural effusion' });
  assert.equal(res.modelId, 'bow-1');
  assert.equal(res.query, 'text');
  assert.equal(res.searched, 7);
  assert.deepEqual(res.hits.slice(0, 2).map((h) => h.studyId).sort(), [studies[0]!.studyId, studies[1]!.studyId].sort());
  const first = res.hits[0]!;
  assert.match(first.sentence!.text, /pleural effusion/);
  const raw = (db.prepare('SELECT raw_text FROM reports WHERE id = ?').get(first.sentence!.reportId) as { raw_text: string }).raw_text;
  assert.equal(raw.slice(first.sentence!.start, first.sentence!.end), first.sentence!.text);
  assert.ok(res.hits[0]!.score >= res.hits[1]!.score && res.hits[1]!.score >= res.hits[2]!.score);
  assert.ok(studies.find((s) => s.studyId === first.studyId)!.instanceIds.includes(first.thumbnailInstanceId));

  const cardio = await search.text({ ...request({}, 1), text: 'cardiomegaly' });
  assert.equal(cardio.hits[0]!.studyId, studies[2]!.studyId);
  assert.equal(cardio.hits[0]!.sentence!.text, 'Cardiomegaly.');
  db.close();
});

test('filters (modality, dates, report, label state) restrict the ranking to matching studies', async () => {
  const { db, studies, search } = setup();
  const ids = async (filters: Partial<SearchFilters>) => (await search.text({ ...request(filters, 10), text: 'pleural effusion' })).hits.map((h) => h.studyId).sort();
  const sid = (...i: number[]) => i.map((x) => studies[x]!.studyId).sort();
  assert.deepEqual(await ids({ modality: 'DX' }), sid(1));
  assert.deepEqual(await ids({ dateFrom: '2021-01-01', dateTo: '2021-12-31' }), sid(2, 3));
  assert.deepEqual(await ids({ hasReport: false }), sid(5));
  assert.deepEqual(await ids({ label: { name: 'Pleural Effusion', value: 'positive' } }), sid(0, 1));
  assert.deepEqual(await ids({ label: { name: 'Pleural Effusion' } }), sid(0, 1, 3));
  assert.deepEqual(await ids({ label: { name: 'Pleural Effusion', value: null } }), sid(2, 4, 5));
  assert.deepEqual(await ids({ modality: 'CR', label: { name: 'Pleural Effusion', value: 'positive' } }), sid(0));
  assert.deepEqual(await ids({ modality: 'MR' }), []);
  db.close();
});

test('find similar uses the stored image vector, leaves out the query study, and embeds an image that has no vector', async () => {
  const { db, studies, search, embedded } = setup();
  const res = await search.similar({ ...request({}, 2), instanceId: studies[1]!.instanceIds[0]! });
  assert.equal(res.query, 'image');
  assert.ok(!res.hits.some((h) => h.studyId === studies[1]!.studyId));
  assert.equal(res.hits[0]!.studyId, studies[0]!.studyId, 'the other pleural effusion study');
  assert.deepEqual(embedded, []);
  db.prepare('DELETE FROM embeddings WHERE instance_id = ?').run(studies[0]!.instanceIds[0]!);
  const again = await search.similar({ ...request({}, 2), instanceId: studies[0]!.instanceIds[0]! });
  assert.deepEqual(embedded, [studies[0]!.instanceIds[0]!]);
  assert.equal(again.hits[0]!.studyId, studies[1]!.studyId);
  assert.equal(again.searched, 6, 'the index reloaded after the vector was removed');
  await assert.rejects(search.similar({ ...request(), instanceId: 99999 }), /No image with id 99999/);
  db.close();
});

test('a library without embeddings says to pretrain first; unknown models and missing encoders are named', async () => {
  const { db } = openTempLibrary();
  seedStudies(db, [{}]);
  const search = new SemanticSearch(db, () => null);
  await assert.rejects(search.text({ ...request(), text: 'effusion' }), /no image embeddings yet: pretrain a model on it first/);
  db.close();

  const lib = setup();
  await assert.rejects(lib.search.text({ ...request(), modelId: 'nope', text: 'x' }), /No image embeddings of model "nope".*embedded models: bow-1/);
  const withoutEncoder = new SemanticSearch(lib.db, () => null);
  await assert.rejects(withoutEncoder.text({ ...request(), text: 'x' }), /encoder cannot be loaded to embed the query text/);
  assert.deepEqual(withoutEncoder.models(), [{ modelId: 'bow-1', checkpointId: null, dim: DIM, images: 7, sentences: 10 }]);
  lib.db.close();
});

test('vectors written by another connection (an embedding pass in another process) are searched without restarting', async () => {
  const { db, path, search } = setup();
  const before = await search.text({ ...request({}, 1), text: 'pneumothorax tension' });
  const other = openLibrary(path);
  const [added] = seedStudies(other, [{ sentences: ['Tension pneumothorax.'] }]);
  new EmbeddingsRepo(other).writeBatch({ modelId: 'bow-1' }, 'image', [{ studyId: added!.studyId, instanceId: added!.instanceIds[0]!, vector: bagOfWords('tension pneumothorax') }]);
  other.close();
  const after = await search.text({ ...request({}, 1), text: 'pneumothorax tension' });
  assert.equal(after.searched, before.searched + 1);
  assert.equal(after.hits[0]!.studyId, added!.studyId);
  db.close();
});
