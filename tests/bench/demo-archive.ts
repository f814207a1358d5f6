/**
 * `npm run bench -- demo-archive [studies]`: how fast the demo archive is
 * made. CPU milliseconds (not wall time: the machine may be shared) per
 * rendered view, per DICOM encoding against explicit VR little endian as the
 * peer, and for a whole archive with its estimate for `convirt demo`'s
 * default 200 studies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateArchive } from '../../src-main/demo/archive';
import { radiographElements, type RadiographIdentity } from '../../src-main/demo/dicom/radiograph';
import { TransferSyntax, encodePart10 } from '../../src-main/demo/dicom/writer';
import { drawStudyPlan } from '../../src-main/demo/findings';
import { renderView } from '../../src-main/demo/phantom/render';
import { createRng } from '../../src-main/demo/random';
import type { BenchRow } from './main';

export const description = 'demo archive: CPU ms per rendered view, per DICOM encoding (vs explicit LE), per study';

function cpuMs<T>(fn: () => T): [T, number] {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return [value, (used.user + used.system) / 1000];
}

const identity: RadiographIdentity = {
  patientId: '10000001', patientName: 'DEMO^BENCH', birthDate: '19600101', sex: 'M', age: 60, studyUid: '2.25.1', studyDate: '20240101',
  studyTime: '120000', studyId: '1', accessionNumber: 'DEMO1', studyDescription: 'CHEST PA', seriesUid: '2.25.2', seriesNumber: 1,
  seriesDescription: 'CHEST PA', sopInstanceUid: '2.25.3', instanceNumber: 1, modality: 'CR', viewPosition: 'PA',
};

export async function run(args: string[]): Promise<BenchRow[]> {
  const studies = Number(args[0] ?? 20);
  const rows: BenchRow[] = [];
  const plan = drawStudyPlan(createRng(1));
  for (const view of ['PA', 'AP', 'LL'] as const) {
    const times = Array.from({ length: 5 }, (_, i) => cpuMs(() => renderView(plan, view, 100 + i, { width: 512, height: 512 }))[1]);
    rows.push({ stage: `render ${view} 512x512`, cpuMs: times.reduce((s, t) => s + t, 0) / times.length, ratio: null, bytes: null });
  }
  const image = renderView(plan, 'PA', 7, { width: 512, height: 512 });
  // Fastest of three rounds of ten: the least disturbed by other work on the machine.
  const encode = (syntax: (typeof TransferSyntax)[keyof typeof TransferSyntax]): [number, number] => {
    const rounds = [0, 1, 2].map(() => encodeTen(syntax));
    return [rounds[0]![0], Math.min(...rounds.map(([, ms]) => ms))];
  };
  const encodeTen = (syntax: (typeof TransferSyntax)[keyof typeof TransferSyntax]) =>
    cpuMs(() => {
      let file: Buffer = Buffer.alloc(0);
      for (let i = 0; i < 10; i++) file = encodePart10(radiographElements(identity, { rows: 512, columns: 512, values: image.pixels, bitsStored: 12, pixelSpacingMm: 0.7, photometric: 'MONOCHROME2' }, syntax), syntax);
      return file.length;
    });
  encodeTen(TransferSyntax.ExplicitLittle); // warm-up
  const [, peer] = encode(TransferSyntax.ExplicitLittle);
  for (const [name, syntax] of Object.entries(TransferSyntax)) {
    const [bytes, ms] = encode(syntax);
    rows.push({ stage: `encode ${name}`, cpuMs: ms / 10, ratio: ms / peer, bytes });
  }
  const dir = mkdtempSync(join(tmpdir(), 'convirt-bench-demo-'));
  try {
    const start = process.cpuUsage();
    const manifest = await generateArchive({ outDir: join(dir, 'archive'), studies, seed: 7, size: 512 });
    const used = process.cpuUsage(start);
    const perStudy = (used.user + used.system) / 1000 / studies;
    rows.push({ stage: `archive of ${studies} studies (${manifest.instances} images)`, cpuMs: perStudy, ratio: null, bytes: manifest.bytes });
    rows.push({ stage: 'estimate: 200 studies, seconds of CPU', cpuMs: (perStudy * 200) / 1000, ratio: null, bytes: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
