/**
 * `npm run bench -- ingest [--copies N] [--damaged N]`: DICOM import speed
 * against Debian dcmtk's dcmj2pnm converting the same files to PNG, on the
 * shared DICOM set and on a generated set of 2,000 files (relabelled copies of
 * the shared 512x512 chest X-ray in six syntaxes dcmtk decodes); then 1,000
 * damaged copies must each import or be rejected, with nothing crashing.
 * Both sides run one file at a time; ours in a fresh process per set so its
 * peak RSS can be compared across set sizes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDicomBytes } from '../../src-main/ingest/dicom/open';
import type { BenchRow } from './main';
import { writeMutatedCopies } from '../ingest/mutate';
import { writeRelabelledCopies } from '../ingest/relabel';
import { filesUnder, SHARED_DICOM } from '../ingest/shared-data';

export const description = 'DICOM import (parse + decode + cache + SQLite) vs dcmtk dcmj2pnm, files/s and MB/s, peak RSS';

interface Measured {
  seconds: number;
  files: number;
  bytes: number;
  failed: number;
  maxRssMiB: number | null;
  /** User + system CPU seconds: fairer than wall time on a machine other work shares. */
  cpuSeconds: number | null;
}

function ours(files: string, work: string, decode: boolean): Measured {
  const library = join(work, `lib-${decode ? 'decode' : 'meta'}-${Date.now()}.sqlite`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, '_ingest-child.ts'), library, decode ? 'decode' : 'nodecode', files], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; files: number; bytes: number; rejected: number; maxRssMiB: number; cpuSeconds: number };
  return { seconds: r.seconds, files: r.files, bytes: r.bytes, failed: r.rejected, maxRssMiB: r.maxRssMiB, cpuSeconds: r.cpuSeconds };
}

function isJpegLs(path: string): boolean {
  const uid = parseDicomBytes(readFileSync(path), { untilTag: 'x00020010' }).string('x00020010') ?? '';
  return /^1\.2\.840\.10008\.1\.2\.4\.8[01]\b/.test(uid.replace(/\0/g, ''));
}

/** dcmj2pnm on each file from one shell loop; GNU time's %M is the largest dcmj2pnm's peak RSS. */
function dcmtk(paths: readonly string[], work: string): Measured {
  const outDir = join(work, `dcmtk-${Date.now()}`);
  mkdirSync(outDir);
  const list = join(work, 'dcmtk-files.txt');
  // dcmj2pnm has JPEG and RLE; JPEG-LS is in its sibling dcml2pnm. Neither has JPEG 2000.
  writeFileSync(list, `${paths.map((p) => `${isJpegLs(p) ? 'dcml2pnm' : 'dcmj2pnm'}\t${p}`).join('\n')}\n`);
  const bytes = paths.reduce((sum, p) => sum + statSync(p).size, 0);
  const loop = 'i=0; while IFS="$(printf \'\\t\')" read -r tool f; do i=$((i+1)); "$tool" --write-png "$f" "$1/$i.png" >/dev/null 2>&1 || echo failed; done < "$2"';
  const timed = existsSync('/usr/bin/time');
  const command = timed ? ['/usr/bin/time', '-f', 'maxrss %M cpu %U %S', 'sh', '-c', loop, 'sh', outDir, list] : ['sh', '-c', loop, 'sh', outDir, list];
  const started = performance.now();
  const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - started) / 1000;
  rmSync(outDir, { recursive: true, force: true });
  const failed = (r.stdout.match(/failed/g) ?? []).length;
  const usage = /maxrss (\d+) cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return {
    seconds,
    files: paths.length,
    bytes,
    failed,
    maxRssMiB: usage ? Number(usage[1]) / 1024 : null,
    cpuSeconds: usage ? Number(usage[2]) + Number(usage[3]) : null,
  };
}

function row(set: string, tool: string, m: Measured, note = ''): BenchRow {
  return {
    set,
    tool,
    files: m.files,
    MB: m.bytes / 1e6,
    seconds: m.seconds,
    'files/s': m.files / m.seconds,
    'MB/s': m.bytes / 1e6 / m.seconds,
    cpuSeconds: m.cpuSeconds,
    'files/cpu-s': m.cpuSeconds ? m.files / m.cpuSeconds : null,
    failed: m.failed,
    peakRssMiB: m.maxRssMiB,
    note,
  };
}

function compare(set: string, files: string, paths: readonly string[], work: string): BenchRow[] {
  process.stderr.write(`  ${set}: ours (decode + cache)...\n`);
  const full = ours(files, work, true);
  process.stderr.write(`  ${set}: ours (metadata only)...\n`);
  const meta = ours(files, work, false);
  process.stderr.write(`  ${set}: dcmtk dcmj2pnm...\n`);
  const peer = dcmtk(paths, work);
  const ratio = full.files / full.seconds / (peer.files / peer.seconds);
  const cpuRatio = full.cpuSeconds && peer.cpuSeconds ? peer.cpuSeconds / full.cpuSeconds : null;
  return [
    row(set, 'convirt import', full, 'parse, hash, decode frame 0, 512px cache PNG, SQLite'),
    row(set, 'convirt import --no-decode', meta, 'parse, hash, SQLite'),
    row(set, 'dcmtk dcmj2pnm / dcml2pnm', peer, 'one process per file, frame 0 to PNG; failed = JPEG 2000 (no dcmtk codec)'),
    { set, tool: 'ratio convirt/dcmtk', 'files/s': ratio, 'files/cpu-s': cpuRatio, note: ratio >= 1 ? 'at least dcmtk speed (wall clock)' : 'slower than dcmtk (wall clock)' },
  ];
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export async function run(args: string[]): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'convirt-bench-ingest-'));
  try {
    const rows: BenchRow[] = [];
    rows.push(...compare('shared DICOM', SHARED_DICOM, filesUnder(SHARED_DICOM), work));

    const target = option(args, '--files', 2000);
    const sources = filesUnder(join(SHARED_DICOM, 'generated')).filter((f) => !/j2k/.test(f));
    const generated = join(work, 'generated');
    process.stderr.write(`  writing ${target} generated files...\n`);
    const paths = writeRelabelledCopies(sources, generated, Math.ceil(target / sources.length)).slice(0, target);
    for (const extra of filesUnder(generated).slice(target)) rmSync(extra);
    rows.push(...compare(`generated ${paths.length}`, generated, paths, work));
    rmSync(generated, { recursive: true, force: true });

    const damagedCount = option(args, '--damaged', 1000);
    const damaged = join(work, 'damaged');
    mkdirSync(damaged);
    writeMutatedCopies(filesUnder(SHARED_DICOM), damaged, damagedCount, 20261128);
    process.stderr.write(`  importing ${damagedCount} damaged copies...\n`);
    const d = ours(damaged, work, true);
    rows.push({ ...row(`damaged ${damagedCount}`, 'convirt import', d, `${d.files - d.failed} imported, ${d.failed} rejected with a reason, no crash`) });
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
