// Runs the test files of one suite with Node's test runner under tsx.
// unit: every tests/**/*.test.ts outside tests/e2e; e2e: tests/e2e/**/*.test.ts.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const suite = process.argv[2] ?? 'unit';
const root = new URL('.', import.meta.url).pathname;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' || name === 'node_modules' ? [] : walk(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = walk(root)
  .filter((f) => (suite === 'e2e' ? relative(root, f).startsWith('e2e/') : !relative(root, f).startsWith('e2e/') && !relative(root, f).startsWith('bench/')))
  .sort();
if (files.length === 0) {
  console.error(`no test files for suite "${suite}"`);
  process.exit(1);
}
const extra = process.argv.slice(3);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
