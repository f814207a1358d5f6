/**
 * `npm run bench -- <name> [args]`: runs one benchmark, prints its table and
 * writes bench-results/<name>.json. Each benchmark lives in tests/bench/<name>.ts
 * and exports `run(args)` returning rows; speed targets are ratios against a
 * peer measured in the same run, never absolute times in unit tests.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable } from '../../src-main/cli/output';

export type BenchRow = Record<string, string | number | boolean | null>;
export interface BenchModule {
  description: string;
  run(args: string[]): Promise<BenchRow[]>;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && f !== 'main.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3));
  if (!name || !available.includes(name)) {
    process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [args]\n`);
    process.exit(2);
  }
  const mod = (await import(join(__dirname, `${name}.ts`))) as BenchModule;
  process.stderr.write(`bench ${name}: ${mod.description}\n`);
  const rows = await mod.run(args);
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  process.stdout.write(`${formatTable(headers, rows.map((r) => headers.map((h) => (typeof r[h] === 'number' ? round(r[h] as number) : ((r[h] ?? null) as string | null)))), 60)}\n`);
  const outDir = join(__dirname, '..', '..', 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
  process.stderr.write(`wrote ${file}\n`);
}

function round(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

void main();
