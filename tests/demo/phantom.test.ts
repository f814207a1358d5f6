// The synthetic radiographs: deterministic, 12-bit, and each finding really
// changes the pixels where a reader would look for it (same patient rendered
// with and without the finding).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, StudyPlan } from '../../src-main/demo/findings';
import { lateralEdge, lungT, medialEdge } from '../../src-main/demo/phantom/anatomy';
import { type RenderedView, renderView } from '../../src-main/demo/phantom/render';

const SIZE = 256;
/** Fine lung markings need full resolution: the pneumothorax test renders at 512. */
const FULL = 512;
const PATIENT = 4242;

function plan(findings: Finding[] = [], ctr = 0.45, sex: 'F' | 'M' = 'M'): StudyPlan {
  return { views: ['PA'], sex, age: 60, findings, cardiothoracicRatio: ctr };
}

const render = (p: StudyPlan, view: 'PA' | 'AP' | 'LL' = 'PA', seed = PATIENT, size = SIZE) => renderView(p, view, seed, { width: size, height: size });

/** Pixel column and row of normalised image coordinates (x in -1..1, y in 0..1). */
const px = (x: number, size = SIZE) => Math.round(((x + 1) / 2) * size);
const py = (y: number, size = SIZE) => Math.round(y * size);

function meanIn(r: RenderedView, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  const w = r.width;
  for (let j = py(Math.min(y0, y1), w); j <= py(Math.max(y0, y1), w); j++) {
    for (let i = px(Math.min(x0, x1), w); i <= px(Math.max(x0, x1), w); i++) {
      sum += r.pixels[j * w + i]!;
      n++;
    }
  }
  return sum / n;
}

/** Band-pass energy in a box: mean |3x3 mean - 5x5 mean|, the scale of peripheral vessels and parenchymal texture. */
function textureIn(r: RenderedView, x0: number, y0: number, x1: number, y1: number): number {
  const w = r.width;
  const boxMean = (i: number, j: number, radius: number) => {
    let s = 0;
    for (let dj = -radius; dj <= radius; dj++) for (let di = -radius; di <= radius; di++) s += r.pixels[(j + dj) * w + i + di]!;
    return s / (2 * radius + 1) ** 2;
  };
  let sum = 0;
  let n = 0;
  for (let j = py(Math.min(y0, y1), w); j <= py(Math.max(y0, y1), w); j++) {
    for (let i = px(Math.min(x0, x1), w); i <= px(Math.max(x0, x1), w); i++) {
      sum += Math.abs(boxMean(i, j, 1) - boxMean(i, j, 2));
      n++;
    }
  }
  return sum / n;
}

describe('synthetic chest radiographs', () => {
  it('are deterministic per patient seed and differ between patients', () => {
    const a = render(plan());
    const b = render(plan());
    const c = render(plan(), 'PA', PATIENT + 1);
    assert.deepEqual(a.pixels, b.pixels);
    assert.notDeepEqual(a.pixels, c.pixels);
  });

  it('store 12 bits and use most of that range, with air darker than lung darker than mediastinum', () => {
    for (const view of ['PA', 'AP', 'LL'] as const) {
      const r = render(plan(), view);
      let max = 0;
      let min = 4095;
      for (const v of r.pixels) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
      assert.ok(max <= 4095 && max > 3500, `${view}: max ${max}`);
      assert.ok(min < 400, `${view}: min ${min}`);
    }
    const r = render(plan());
    const a = r.anatomy;
    const midLung = a.apexY + 0.5 * (a.cpY[0] - a.apexY);
    const lung = meanIn(r, a.midX - 0.45 * a.thoraxHalf, midLung - 0.03, a.midX - 0.35 * a.thoraxHalf, midLung + 0.03);
    const mediastinum = meanIn(r, a.midX - 0.02, a.heart.topY + 0.1, a.midX + 0.02, a.heart.topY + 0.14);
    // Air beside the neck, in the top corners of the film.
    const air = meanIn(r, -0.99, 0.0, -0.94, 0.02);
    assert.ok(air < lung && lung + 800 < mediastinum, `air ${air}, lung ${lung}, mediastinum ${mediastinum}`);
  });

  it('a right pleural effusion brightens the right costophrenic angle, not the left', () => {
    const normal = render(plan());
    const effusion = render(plan([{ kind: 'pleural_effusion', side: 'right', zone: 'lower', severity: 'moderate' }]));
    const a = normal.anatomy;
    // The patient's right is the image left in a frontal view.
    // Just above the lateral end of each dome, where the costophrenic angle is.
    const angle = (sign: number) => [a.midX + sign * 0.8 * a.thoraxHalf, a.cpY[sign < 0 ? 0 : 1] - 0.1, a.midX + sign * 0.9 * a.thoraxHalf, a.cpY[sign < 0 ? 0 : 1] - 0.06] as const;
    const rightGain = meanIn(effusion, ...angle(-1)) - meanIn(normal, ...angle(-1));
    const leftGain = meanIn(effusion, ...angle(1)) - meanIn(normal, ...angle(1));
    assert.ok(rightGain > 400, `right angle brightened by ${rightGain}`);
    assert.ok(Math.abs(leftGain) < 100, `left angle changed by ${leftGain}`);
  });

  it('cardiomegaly widens the heart shadow', () => {
    // Width of the bright band around the heart's centre on a row through the heart, between the two lungs.
    const widthOfHeart = (r: RenderedView) => {
      const a = r.anatomy;
      const y = a.heart.bottomY - 0.1;
      const lung = meanIn(r, a.midX - 0.9 * a.thoraxHalf, y - 0.01, a.midX - 0.85 * a.thoraxHalf, y + 0.01);
      const centre = (a.heart.rightX + a.heart.leftX) / 2;
      const heart = meanIn(r, centre - 0.03, y - 0.01, centre + 0.03, y + 0.01);
      const level = (lung + heart) / 2;
      const bright = (x: number) => meanIn(r, x - 0.01, y - 0.01, x + 0.01, y + 0.01) > level;
      let left = centre;
      let right = centre;
      while (left > -1 && bright(left - 0.01)) left -= 0.01;
      while (right < 1 && bright(right + 0.01)) right += 0.01;
      return (right - left) / 2;
    };
    const normal = widthOfHeart(render(plan([], 0.44)));
    const enlarged = widthOfHeart(render(plan([{ kind: 'cardiomegaly', side: 'none', zone: 'none', severity: 'severe' }], 0.66)));
    assert.ok(enlarged > normal * 1.25, `heart width ${normal.toFixed(3)} -> ${enlarged.toFixed(3)} of the image`);
  });

  it('a left pneumothorax removes lung markings beyond the pleural line', () => {
    const normal = render(plan(), 'PA', PATIENT, FULL);
    const ptx = render(plan([{ kind: 'pneumothorax', side: 'left', zone: 'upper', severity: 'severe' }]), 'PA', PATIENT, FULL);
    const a = normal.anatomy;
    const y = a.apexY + 0.35 * (a.cpY[1] - a.apexY);
    const box = [a.midX + lateralEdge(a, 1, y) - 0.12, y - 0.04, a.midX + lateralEdge(a, 1, y) - 0.04, y + 0.04] as const;
    const mirror = [2 * a.midX - box[2], box[1], 2 * a.midX - box[0], box[3]] as const;
    // Same patient, same noise: the fine structure of (normal - pneumothorax) is what went
    // missing. Ribs cancel out; lung markings beyond the pleural line do not. The film's
    // overall grey scale shifts a little with any finding, so match gain and offset on
    // the other lung first (least squares).
    const w = normal.width;
    let sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
    for (let j = py(mirror[1], w); j <= py(mirror[3], w); j++) {
      for (let i = px(mirror[0], w); i <= px(mirror[2], w); i++) {
        const xv = ptx.pixels[j * w + i]!;
        const yv = normal.pixels[j * w + i]!;
        sx += xv; sy += yv; sxx += xv * xv; sxy += xv * yv; n++;
      }
    }
    const gain = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const offset = (sy - gain * sx) / n;
    const difference: RenderedView = { ...normal, pixels: normal.pixels.map((v, k) => 2048 + v - (gain * ptx.pixels[k]! + offset)) };
    const removed = textureIn(difference, ...box);
    const elsewhere = textureIn(difference, ...mirror);
    assert.ok(removed > 4 * elsewhere && removed > 5, `markings removed: ${removed.toFixed(1)} beyond the line, ${elsewhere.toFixed(1)} in the other lung`);
    assert.ok(meanIn(ptx, ...box) < meanIn(normal, ...box) - 50, 'the air beyond the pleural line is darker');
  });

  it('consolidation and a nodule add density in their lung zone', () => {
    const normal = render(plan());
    const a = normal.anatomy;
    const consolidated = render(plan([{ kind: 'consolidation', side: 'right', zone: 'lower', severity: 'severe' }]));
    const y = a.apexY + 0.78 * (a.cpY[0] - a.apexY);
    const u = (medialEdge(a, -1, y) + lateralEdge(a, -1, y)) / 2;
    const zone = [a.midX - u - 0.05, y - 0.04, a.midX - u + 0.05, y + 0.04] as const;
    assert.ok(meanIn(consolidated, ...zone) - meanIn(normal, ...zone) > 300, 'right lower zone brighter');
    const nodular = render(plan([{ kind: 'nodule', side: 'left', zone: 'upper', severity: 'severe', sizeMm: 26 }]));
    let changed = 0;
    for (let k = 0; k < normal.pixels.length; k++) if (nodular.pixels[k]! - normal.pixels[k]! > 300) changed++;
    // A 26 mm nodule at ~0.8 mm per pixel spans roughly 500 pixels at full size, ~ 1/4 of that here.
    assert.ok(changed > 40, `${changed} pixels brightened by the nodule`);
    assert.ok(lungT(a, 1, a.apexY) === 0);
  });

  it('support devices are metal-dense', () => {
    const normal = render(plan(), 'AP');
    const devices = render(plan([{ kind: 'support_devices', side: 'none', zone: 'none', severity: 'mild', devices: ['pacemaker'] }]), 'AP');
    const a = normal.anatomy;
    const generator = [a.midX + a.thoraxHalf * 0.68 - 0.03, a.apexY + 0.08, a.midX + a.thoraxHalf * 0.68 + 0.03, a.apexY + 0.1] as const;
    assert.ok(meanIn(devices, ...generator) > 3800, `generator mean ${meanIn(devices, ...generator)}`);
    assert.ok(meanIn(normal, ...generator) < 3500);
  });
});
