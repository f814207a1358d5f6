/** The lint rule that keeps runtimes apart fails on each forbidden pattern. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const CASES: { name: string; file: string; code: string; rule: string | null }[] = [
  { name: 'shared importing electron', file: 'src-shared/x.ts', code: "import { app } from 'electron';\nexport const a = app;\n", rule: 'no-restricted-imports' },
  { name: 'shared importing node:fs', file: 'src-shared/x.ts', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", rule: 'no-restricted-imports' },
  { name: 'shared importing path', file: 'src-shared/x.ts', code: "import { join } from 'path';\nexport const j = join;\n", rule: 'no-restricted-imports' },
  { name: 'shared using window', file: 'src-shared/x.ts', code: 'export const w = window.innerWidth;\n', rule: 'no-restricted-globals' },
  { name: 'shared using document', file: 'src-shared/x.ts', code: 'export const t = document.title;\n', rule: 'no-restricted-globals' },
  { name: 'renderer importing src-main', file: 'src-renderer/x.ts', code: "import { log } from '../src-main/log';\nexport const l = log;\n", rule: 'no-restricted-imports' },
  {
    name: 'renderer component importing src-main',
    file: 'src-renderer/X.svelte',
    code: "<script lang=\"ts\">\n  import { log } from '../src-main/log';\n  log.info('x');\n</script>\n",
    rule: 'no-restricted-imports',
  },
  { name: 'main touching ipcRenderer', file: 'src-main/x.ts', code: "import { ipcRenderer } from 'electron';\nipcRenderer.send('x');\n", rule: 'no-restricted-syntax' },
  { name: 'renderer touching ipcRenderer', file: 'src-renderer/x.ts', code: 'declare const ipcRenderer: { send(c: string): void };\nipcRenderer.send("x");\n', rule: 'no-restricted-syntax' },
  { name: 'preload touching ipcRenderer', file: 'src-main/electron/preload.ts', code: "import { ipcRenderer } from 'electron';\nipcRenderer.send('x');\n", rule: null },
  { name: 'shared importing zod', file: 'src-shared/x.ts', code: "import { z } from 'zod';\nexport const s = z.string();\n", rule: null },
  { name: 'shared importing a sibling named events', file: 'src-shared/x.ts', code: "export * from './events';\n", rule: null },
];

for (const c of CASES) {
  test(`lint: ${c.name} ${c.rule ? 'fails' : 'passes'}`, async () => {
    const found = await messages(c.file, c.code);
    if (c.rule === null) assert.deepEqual(found, []);
    else assert.ok(found.some((m) => m.startsWith(`${c.rule}:`)), `expected ${c.rule}, got ${JSON.stringify(found)}`);
  });
}
