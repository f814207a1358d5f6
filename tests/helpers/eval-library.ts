/**
 * A small real library for evaluation tests: `perClass` COVID-19 and `perClass`
 * other-finding pairs of the COVID collection (../shared/data/covid-cxr, copied
 * into a temp folder), imported through the covid layout like `convirt import`,
 * so the library has the covid-finding and covid-view label schemas.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before } from 'node:test';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { importLayout } from '../../src-main/ingest/layouts/index';
import { useBackend } from '../../src-main/ml/backend/select';
import { COVID_ROOT, covidSkip } from './covid-library';
import { tempDir } from './temp';

export { covidSkip };

export async function balancedCovidLibrary(perClass: number, dir = tempDir('convirt-eval-lib-')): Promise<{ db: Db; path: string }> {
  const lines = readFileSync(join(COVID_ROOT, 'pairs.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const rows = lines.map((l) => JSON.parse(l) as { finding: string; image: string });
  const covid = rows.filter((r) => r.finding.startsWith('COVID-19')).slice(0, perClass);
  const other = rows.filter((r) => !r.finding.startsWith('COVID-19') && r.finding !== 'todo').slice(0, perClass);
  const data = join(dir, 'covid');
  mkdirSync(join(data, 'images'), { recursive: true });
  for (const r of [...covid, ...other]) copyFileSync(join(COVID_ROOT, r.image), join(data, r.image));
  writeFileSync(join(data, 'pairs.jsonl'), `${[...covid, ...other].map((r) => JSON.stringify(r)).join('\n')}\n`);
  const path = join(dir, 'library.sqlite');
  const db = openLibrary(path);
  await importLayout(db, { root: data, layout: 'covid' });
  return { db, path };
}

/**
 * A balanced library for a describe block, made in its before hook on the wasm
 * backend (the fastest every machine has). The temp folder is made now, not in
 * the hook: one registered inside a hook is removed when the hook ends.
 */
export function balancedCovidBeforeAll(perClass: number, prefix: string): () => { db: Db; path: string } {
  const dir = tempDir(prefix);
  let library: { db: Db; path: string } | null = null;
  before(async () => {
    await useBackend('wasm');
    library = await balancedCovidLibrary(perClass, dir);
  });
  return () => {
    if (!library) throw new Error('the library is made in the before hook');
    return library;
  };
}
