/**
 * `npm run bench -- train [--steps N] [--backend NAME] [--no-torch] [--settings 128x16,224x32]`:
 * ConVIRT training speed, engine and PyTorch side by side on the same
 * architecture and batch (issue "Training speed"): ResNet-18 x1/4 on 1-channel
 * input, 2-layer transformer text encoder (d 128, 4 heads, FFN 512, 64 tokens,
 * 8k vocabulary, learned positions), heads to 128, ConVIRT loss, Adam; at
 * 128x128 and 224x224, batch 16 and 32. Each side of each setting runs in its
 * own process, so peak RSS is per setting. PyTorch: tests/bench/train_torch.py
 * with Debian python3-torch on 2 threads. Prints ms per warm step (median),
 * pairs/s, peak RSS, the engine's batch-preparation time, and engine / PyTorch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './main';

const SETTINGS = ['128x16', '128x32', '224x16', '224x32'];
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function runJson(command: string, argv: string[], env: NodeJS.ProcessEnv = {}): Record<string, number | string> | { error: string } {
  const r = spawnSync(command, argv, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 1_800_000 });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as Record<string, number | string>;
  } catch {
    return { error: `${command} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  }
}

export const description = 'ConVIRT train step: engine (best backend) vs PyTorch (2 threads), ResNet-18 x1/4 + 2-layer text, 128/224 px, batch 16/32';

export async function run(args: string[]): Promise<BenchRow[]> {
  const steps = option(args, '--steps') ?? '5';
  const backend = option(args, '--backend');
  const settings = option(args, '--settings')?.split(',') ?? SETTINGS;
  const withTorch = !args.includes('--no-torch');
  const rows: BenchRow[] = [];
  for (const setting of settings) {
    const [size, batch] = setting.split('x');
    process.stderr.write(`setting ${setting}: engine...\n`);
    const engine = runJson(process.execPath, ['--import', 'tsx', join(__dirname, '_train-engine.ts'), size!, batch!, steps, ...(backend ? [backend] : [])]);
    if ('error' in engine) throw new Error(`engine at ${setting}: ${engine.error}`);
    let torch: Record<string, number | string> | null = null;
    if (withTorch) {
      process.stderr.write(`setting ${setting}: pytorch...\n`);
      const result = runJson(PYTHON, [join(__dirname, 'train_torch.py'), size!, batch!, steps], { OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' });
      if ('error' in result) throw new Error(`pytorch at ${setting}: ${result.error}`);
      torch = result;
    }
    const engineMs = engine.msPerStep as number;
    const torchMs = torch ? (torch.msPerStep as number) : null;
    rows.push({
      setting: `${size}x${size} B${batch}`,
      backend: engine.backend as string,
      engine_ms: engineMs,
      engine_pairs_s: engine.pairsPerSecond as number,
      engine_rss_mb: engine.peakRssMb as number,
      data_ms: engine.dataMsPerStep as number,
      torch_ms: torchMs,
      torch_pairs_s: torch ? (torch.pairsPerSecond as number) : null,
      torch_rss_mb: torch ? (torch.peakRssMb as number) : null,
      ratio: torchMs ? engineMs / torchMs : null,
    });
  }
  return rows;
}
