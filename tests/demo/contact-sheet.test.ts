// Resemblance: synthetic radiographs side by side with real chest X-rays from
// ../shared/data in one PNG (test-artifacts/demo/contact-sheet.png) for anyone
// to judge, plus numbers that must hold: the average left-right and top-bottom
// brightness profiles of a synthetic PA film follow those of real PA films.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as dicomParser from 'dicom-parser';
import { PNG } from 'pngjs';
import type { Finding, StudyPlan, View } from '../../src-main/demo/findings';
import { renderView } from '../../src-main/demo/phantom/render';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'dicom', 'chest');
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'demo');
const TILE = 320;

/** A grayscale tile, 0..1, TILE x TILE, bright = dense. */
type Tile = Float32Array;

/** Box-averages any image down to the tile, then stretches its 1st..99th percentiles to 0..1. */
function toTile(values: ArrayLike<number>, width: number, height: number, invert: boolean): Tile {
  const side = Math.min(width, height);
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const tile = new Float32Array(TILE * TILE);
  const step = side / TILE;
  for (let j = 0; j < TILE; j++) {
    for (let i = 0; i < TILE; i++) {
      let sum = 0;
      let n = 0;
      for (let y = Math.floor(y0 + j * step); y < Math.floor(y0 + (j + 1) * step); y++) {
        for (let x = Math.floor(x0 + i * step); x < Math.floor(x0 + (i + 1) * step); x++) {
          sum += values[y * width + x]!;
          n++;
        }
      }
      tile[j * TILE + i] = sum / Math.max(1, n);
    }
  }
  const sorted = Float32Array.from(tile).sort();
  const lo = sorted[Math.floor(sorted.length * 0.01)]!;
  const hi = sorted[Math.floor(sorted.length * 0.99)]!;
  for (let k = 0; k < tile.length; k++) {
    const v = Math.min(1, Math.max(0, (tile[k]! - lo) / (hi - lo)));
    tile[k] = invert ? 1 - v : v;
  }
  return tile;
}

function realTile(file: string): Tile {
  const bytes = readFileSync(join(DATA, file));
  const ds = dicomParser.parseDicom(bytes);
  const rows = ds.uint16('x00280010')!;
  const columns = ds.uint16('x00280011')!;
  const bits = ds.uint16('x00280100')!;
  const pixel = ds.elements.x7fe00010!;
  const raw = bytes.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length);
  const values = bits === 16 ? new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) : raw;
  return toTile(values, columns, rows, ds.string('x00280004') === 'MONOCHROME1');
}

const plan = (findings: Finding[], ctr = 0.45, sex: 'F' | 'M' = 'M'): StudyPlan => ({ views: ['PA'], sex, age: 60, findings, cardiothoracicRatio: ctr });
const synthetic = (p: StudyPlan, view: View, seed: number): Tile => {
  const r = renderView(p, view, seed, { width: 512, height: 512 });
  return toTile(r.pixels, 512, 512, false);
};

/** Mean brightness per column (axis 'x') or per row ('y') over the central part of the image. */
function profile(tile: Tile, axis: 'x' | 'y'): number[] {
  const out: number[] = [];
  for (let a = 0; a < TILE; a++) {
    let sum = 0;
    for (let b = Math.floor(TILE * 0.2); b < Math.floor(TILE * 0.8); b++) sum += axis === 'x' ? tile[b * TILE + a]! : tile[a * TILE + b]!;
    out.push(sum / (TILE * 0.6));
  }
  return out;
}

function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

function writeSheet(tiles: Tile[], columns: number, path: string): void {
  const rows = Math.ceil(tiles.length / columns);
  const gap = 4;
  const png = new PNG({ width: columns * (TILE + gap) - gap, height: rows * (TILE + gap) - gap });
  png.data.fill(255);
  tiles.forEach((tile, n) => {
    const ox = (n % columns) * (TILE + gap);
    const oy = Math.floor(n / columns) * (TILE + gap);
    for (let j = 0; j < TILE; j++) {
      for (let i = 0; i < TILE; i++) {
        const o = ((oy + j) * png.width + ox + i) * 4;
        const v = Math.round(tile[j * TILE + i]! * 255);
        png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
        png.data[o + 3] = 255;
      }
    }
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path, PNG.sync.write(png));
}

describe('demo contact sheet', { skip: existsSync(DATA) ? false : `real chest X-rays not found at ${DATA} (../shared/data is absent)` }, () => {
  it('puts synthetic films beside real ones, and their average profiles agree', () => {
    const realNih = realTile('NIH_CXR14_chest_DX_implicitLE.dcm');
    const realCr = realTile('WG04_RG1_chestPA_CR_uncompressed.dcm');
    const normal = synthetic(plan([]), 'PA', 11);
    const female = synthetic(plan([], 0.44, 'F'), 'PA', 12);
    const tiles: [string, Tile][] = [
      ['real NIH ChestX-ray14 PA (DX)', realNih],
      ['synthetic normal PA, male', normal],
      ['synthetic normal PA, female', female],
      ['synthetic cardiomegaly (CTR 0.64)', synthetic(plan([{ kind: 'cardiomegaly', side: 'none', zone: 'none', severity: 'severe' }], 0.64), 'PA', 13)],
      ['synthetic moderate right pleural effusion', synthetic(plan([{ kind: 'pleural_effusion', side: 'right', zone: 'lower', severity: 'moderate' }]), 'PA', 14)],
      ['real WG04 CR PA (MONOCHROME1)', realCr],
      ['synthetic large left pneumothorax', synthetic(plan([{ kind: 'pneumothorax', side: 'left', zone: 'upper', severity: 'severe' }]), 'PA', 15)],
      ['synthetic right lower lobe consolidation + left upper nodule', synthetic(plan([{ kind: 'consolidation', side: 'right', zone: 'lower', severity: 'severe' }, { kind: 'nodule', side: 'left', zone: 'upper', severity: 'moderate', sizeMm: 20 }]), 'PA', 16)],
      ['synthetic portable AP with ET tube, central line, NG tube, pacemaker', synthetic(plan([{ kind: 'support_devices', side: 'none', zone: 'none', severity: 'mild', devices: ['endotracheal_tube', 'central_line', 'nasogastric_tube', 'pacemaker'] }]), 'AP', 17)],
      ['synthetic lateral', synthetic(plan([]), 'LL', 11)],
    ];
    const path = join(ARTIFACTS, 'contact-sheet.png');
    writeSheet(tiles.map(([, t]) => t), 5, path);
    writeFileSync(join(ARTIFACTS, 'contact-sheet.txt'), `${tiles.map(([name], n) => `row ${Math.floor(n / 5) + 1}, column ${(n % 5) + 1}: ${name}`).join('\n')}\n`);
    assert.ok(existsSync(path));
    // Every real/synthetic pair: how well the average brightness across (left-right) and down (top-bottom) agree.
    const pairs = [realNih, realCr].flatMap((real) => [normal, female].map((synth) => [correlation(profile(real, 'x'), profile(synth, 'x')), correlation(profile(real, 'y'), profile(synth, 'y'))]));
    const coarse = (t: Tile, axis: 'x' | 'y') => profile(t, axis).filter((_, i) => i % 16 === 0).map((v) => Number(v.toFixed(2)));
    const profiles = Object.fromEntries(Object.entries({ realNih, realCr, normal, female }).map(([name, t]) => [name, { across: coarse(t, 'x'), down: coarse(t, 'y') }]));
    writeFileSync(join(ARTIFACTS, 'contact-sheet-profiles.json'), `${JSON.stringify({ correlationsAcrossDown: pairs, profiles }, null, 1)}\n`);
    for (const [across, down] of pairs) {
      assert.ok(across! > 0.45, `left-right profile correlation ${across!.toFixed(2)}`);
      assert.ok(down! > 0.45, `top-bottom profile correlation ${down!.toFixed(2)}`);
    }
    const meanAcross = pairs.reduce((s, [a]) => s + a!, 0) / pairs.length;
    assert.ok(meanAcross > 0.55, `mean left-right profile correlation ${meanAcross.toFixed(2)}`);
  });
});
