/** `convirt suggest-labels` on a real library file: suggestions stored for every study with a report, as JSON or a sentence, and an unknown schema refused. (Its progress bar draws only on a terminal.) */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { runCli } from '../helpers/cli';
import { seededLibrary } from '../helpers/library';

test('suggest-labels stores suggestions (never labels) for every study with a report', () => {
  const { db, path } = seededLibrary(30, 5);
  const reports = (db.prepare('SELECT count(DISTINCT study_id) AS n FROM reports').get() as { n: number }).n;
  db.close();
  const json = runCli(['suggest-labels', '--library', path, '--json']);
  assert.equal(json.status, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { schema: string; studies: number; suggestions: number };
  assert.equal(out.schema, 'CheXpert');
  assert.equal(out.studies, reports);
  const check = openLibrary(path, { readonly: true });
  const rows = check.prepare("SELECT source, count(*) AS n, count(DISTINCT study_id) AS studies FROM labels GROUP BY source").all();
  check.close();
  assert.deepEqual(rows, [{ source: 'suggested', n: out.suggestions, studies: reports }]);

  const plain = runCli(['suggest-labels', '--library', path]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, new RegExp(`^${out.suggestions} suggestions for ${reports} studies with a report \\(CheXpert`));
  const bad = runCli(['suggest-labels', '--library', path, '--schema', 'Nope']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /No label schema "Nope"; this library has CheXpert/);
});
