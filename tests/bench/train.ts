/**
 * `npm run bench -- train [--quick] [--steps N] [--settings 128x16,224x32]
 * [--backend NAME] [--no-torch] [--torch-threads N] [--tfjs-kernels]
 * [--baseline DIR]`: ConVIRT training speed,
 * engine and PyTorch side by side on the same architecture and batch (issue
 * "Training speed"): ResNet-18 x1/4 on 1-channel input, 2-layer transformer
 * text encoder (d 128, 4 heads, FFN 512, 64 tokens, 8k vocabulary, learned
 * positions), heads to 128, ConVIRT loss, Adam; at 128x128 and 224x224, batch
 * 16 and 32. Each side of each setting runs in its own process, so peak RSS is
 * per setting. PyTorch: tests/bench/train_torch.py with Debian python3-torch
 * on 2 threads. Per setting: ms per warm step (median), pairs/s, peak RSS, the
 * time the step waited for its batch (and its share of the step), engine /
 * PyTorch, and the ten kernels that took most of a profiled step (share of
 * that step's CPU time). Beside wall-clock ms, both sides report CPU ms per
 * step (engine: its main thread; PyTorch: all its threads), which a machine
 * shared with other work distorts far less: cpu_ratio. --tfjs-kernels also
 * runs the engine without its native kernels, --baseline DIR the engine of
 * another checkout (with this harness copied in), both in the same run.
 * --quick: 2 timed steps, 128x16 and 224x16.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './main';

const SETTINGS = ['128x16', '128x32', '224x16', '224x32'];
const QUICK_SETTINGS = ['128x16', '224x16'];
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

type Json = Record<string, unknown>;

function runJson(command: string, argv: string[], env: NodeJS.ProcessEnv = {}): Json {
  const r = spawnSync(command, argv, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024 });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as Json;
  } catch {
    throw new Error(`${command} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

/** "Name 23%, ..." for the `count` kernels with the most time, as shares of the profiled step. */
export function topKernels(profile: { stepMs: number; kernels: Record<string, number> }, count = 10): string {
  return Object.entries(profile.kernels)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `${name} ${((100 * ms) / profile.stepMs).toFixed(1)}%`)
    .join(', ');
}

export const description = 'ConVIRT train step: engine (best backend) vs PyTorch (2 threads), ResNet-18 x1/4 + 2-layer text, 128/224 px, batch 16/32';

export async function run(args: string[]): Promise<BenchRow[]> {
  const quick = args.includes('--quick');
  const steps = option(args, '--steps') ?? (quick ? '2' : '5');
  const backend = option(args, '--backend');
  const settings = option(args, '--settings')?.split(',') ?? (quick ? QUICK_SETTINGS : SETTINGS);
  const withTorch = !args.includes('--no-torch');
  const withTfjs = args.includes('--tfjs-kernels');
  const torchThreads = option(args, '--torch-threads') ?? '2';
  const baseline = option(args, '--baseline');
  const rows: BenchRow[] = [];
  const engineScript = join(__dirname, '_train-engine.ts');
  for (const setting of settings) {
    const [size, batch] = setting.split('x');
    const engineArgs = ['--import', 'tsx', engineScript, size!, batch!, steps, ...(backend ? [backend] : [])];
    process.stderr.write(`setting ${setting}: engine...\n`);
    const engine = runJson(process.execPath, engineArgs);
    let torch: Json | null = null;
    if (withTorch) {
      process.stderr.write(`setting ${setting}: pytorch...\n`);
      torch = runJson(PYTHON, [join(__dirname, 'train_torch.py'), size!, batch!, steps, torchThreads], { OMP_NUM_THREADS: torchThreads, OPENBLAS_NUM_THREADS: torchThreads });
    }
    let tfjs: Json | null = null;
    if (withTfjs) {
      process.stderr.write(`setting ${setting}: engine with wasm kernels only...\n`);
      tfjs = runJson(process.execPath, engineArgs, { CONVIRT_NATIVE_KERNELS: '0' });
    }
    let base: Json | null = null;
    if (baseline) {
      process.stderr.write(`setting ${setting}: baseline engine in ${baseline}...\n`);
      const script = join(baseline, 'tests', 'bench', '_train-engine.ts');
      base = runJson(process.execPath, ['--import', 'tsx', script, ...engineArgs.slice(3)], {});
    }
    const engineMs = engine.msPerStep as number;
    const torchMs = torch ? (torch.msPerStep as number) : null;
    const torchCpu = torch ? (torch.cpuMsPerStep as number) : null;
    const versus = (other: Json | null) =>
      other ? { ms: other.msPerStep as number, ratio: torchMs ? (other.msPerStep as number) / torchMs : null, cpu_ratio: torchCpu ? (other.cpuMsPerStep as number) / torchCpu : null } : null;
    const profile = engine.profile as { stepMs: number; kernels: Record<string, number> };
    const top = topKernels(profile);
    const times = (side: Json) => `${(side.msPerStep as number).toFixed(0)} ms, ${(side.cpuMsPerStep as number).toFixed(0)} cpu ms`;
    process.stderr.write(`  engine ${times(engine)} (${String(engine.note)}); top kernels: ${top}\n`);
    if (torch) process.stderr.write(`  pytorch ${times(torch)}\n`);
    for (const [label, other] of [['wasm kernels only', tfjs], ['baseline', base]] as const) {
      if (other) process.stderr.write(`  ${label} ${times(other)}; top kernels: ${topKernels(other.profile as typeof profile)}\n`);
    }
    const waitMs = engine.dataWaitMsPerStep as number;
    const wasmOnly = versus(tfjs);
    const before = versus(base);
    rows.push({
      setting: `${size}x${size} B${batch}`,
      backend: engine.backend as string,
      engine_ms: engineMs,
      torch_ms: torchMs,
      ratio: torchMs ? engineMs / torchMs : null,
      engine_cpu_ms: engine.cpuMsPerStep as number,
      torch_cpu_ms: torchCpu,
      cpu_ratio: torchCpu ? (engine.cpuMsPerStep as number) / torchCpu : null,
      torch_threads: Number(torchThreads),
      ...(wasmOnly ? { wasm_only_ms: wasmOnly.ms, wasm_only_ratio: wasmOnly.ratio, wasm_only_cpu_ratio: wasmOnly.cpu_ratio } : {}),
      ...(before ? { baseline_ms: before.ms, baseline_ratio: before.ratio, baseline_cpu_ratio: before.cpu_ratio } : {}),
      engine_pairs_s: engine.pairsPerSecond as number,
      torch_pairs_s: torch ? (torch.pairsPerSecond as number) : null,
      engine_rss_mb: engine.peakRssMb as number,
      torch_rss_mb: torch ? (torch.peakRssMb as number) : null,
      data_wait_ms: waitMs,
      data_wait_share: waitMs / engineMs,
      augment_threads: engine.augmentThreads as number,
      engine_note: engine.note as string,
      steps: Number(steps),
      top_kernels: top,
    });
  }
  return rows;
}
