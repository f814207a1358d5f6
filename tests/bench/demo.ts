/**
 * `npm run bench -- demo [studies]`: the README's main job, `convirt demo`,
 * end to end on a fresh library (default size and recipe unless a study count
 * is given), and its must-show numbers: per encoder and label fraction the
 * linear-probe AUC averaged over the findings, ConVIRT's margin over random
 * init and over the image-only baseline measured in the same run, and
 * text-to-image precision@10 per finding against its prevalence (chance).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { macroAuc, type DemoExperimentResult } from '../../src-main/demo/experiment';
import type { BenchRow } from './main';

export const description = 'convirt demo end to end: linear-probe AUC (ConVIRT vs SimCLR vs random init) and text-to-image P@10 per finding';

export async function run(args: string[]): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'convirt-bench-demo-'));
  const cli = join(__dirname, '..', '..', 'dist', 'main', 'cli.js');
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, 'demo', '--no-serve', '--json', '--library', join(dir, 'demo.sqlite'), ...(args[0] ? ['--studies', args[0]] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`convirt demo exited with ${result.status}`);
  const summary = JSON.parse(result.stdout) as { studies: number; images: number; experiment: DemoExperimentResult };
  const { experiment } = summary;
  const macro = macroAuc(experiment.rows);
  const at = (encoder: string, fraction: number) => macro.find((c) => c.encoder === encoder && c.fraction === fraction)!;
  const rows: BenchRow[] = [];
  for (const fraction of [...new Set(macro.map((c) => c.fraction))].sort((a, b) => a - b)) {
    const convirt = at('ConVIRT', fraction);
    const simclr = at('SimCLR (image only)', fraction);
    const random = at('random init', fraction);
    rows.push({
      measure: `macro AUC at ${fraction * 100}% labels`,
      convirt: convirt.mean,
      convirtStd: convirt.std,
      simclr: simclr.mean,
      random: random.mean,
      convirtMinusRandom: convirt.mean - random.mean,
      convirtMinusSimclr: convirt.mean - simclr.mean,
      chance: null,
    });
  }
  for (const s of experiment.search) {
    rows.push({ measure: `text-to-image P@10, mean of ${s.queries.length} queries (${s.finding}): ${s.perQuery.map((p) => p.toFixed(1)).join(' / ')}`, convirt: s.precisionAt10, convirtStd: null, simclr: null, random: null, convirtMinusRandom: null, convirtMinusSimclr: null, chance: s.prevalence });
  }
  rows.push({
    measure: `whole demo: ${summary.studies} studies, ${summary.images} images; ConVIRT ${experiment.convirt.steps} steps in ${experiment.convirt.seconds.toFixed(0)} s, SimCLR ${experiment.simclr.steps} in ${experiment.simclr.seconds.toFixed(0)} s; load ${loadavg()[0]!.toFixed(1)}`,
    convirt: wallSeconds,
    convirtStd: null,
    simclr: null,
    random: null,
    convirtMinusRandom: null,
    convirtMinusSimclr: null,
    chance: null,
  });
  return rows;
}
