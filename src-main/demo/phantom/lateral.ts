/**
 * Left lateral chest radiograph (patient facing image left): sternum in
 * front, spine behind, both lungs superimposed, the heart low and anterior,
 * the domes sloping down to the deep posterior costophrenic sulci. Findings
 * are drawn where a lateral shows them (posterior effusion meniscus, a larger
 * heart, a lobar or nodular density).
 */
import type { Rng } from '../random';
import type { StudyPlan } from '../findings';
import type { Anatomy } from './anatomy';
import { type Field, smoothstep, valueNoise } from './field';

const SOFT = 0.95;
const LUNG_AIR = 0.5;

/** Lung outline of the lateral view: x from the sternum (-) to the spine (+). */
function lateralLung(a: Anatomy, x: number, y: number, postDrop: number): number {
  const top = a.apexY + 0.03 + 0.12 * ((x - 0.1) / 0.6) ** 2;
  const front = -0.6 + 0.25 * smoothstep(0.5, a.apexY, y);
  const back = 0.58 - 0.2 * smoothstep(0.3, a.apexY, y);
  const dome = a.domeY[0] + 0.02 + postDrop * smoothstep(-0.2, 0.6, x) ** 2 - 0.03 * smoothstep(0.0, -0.5, x);
  return smoothstep(top - 0.01, top + 0.05, y) * smoothstep(front - 0.02, front + 0.05, x) * smoothstep(back + 0.02, back - 0.05, x) * smoothstep(dome + 0.01, dome - 0.03, y);
}

export function renderLateral(f: Field, plan: StudyPlan, a: Anatomy, rng: Rng, findingRng: Rng): void {
  const heartScale = plan.cardiothoracicRatio / 0.45;
  const hx = -0.3 + 0.04 * (heartScale - 1);
  const hy = a.domeY[0] - 0.05;
  const hrx = 0.27 * heartScale;
  const hry = 0.17 * Math.sqrt(heartScale);
  const effusion = plan.findings.find((x) => x.kind === 'pleural_effusion');
  const fluidTop = effusion ? (a.cpY[0] + 0.08) - { mild: 0.08, moderate: 0.16, severe: 0.3 }[effusion.severity] : Infinity;
  const noise = valueNoise(f.width, f.height, Math.max(3, f.width / 80), rng);
  const coarse = valueNoise(f.width, f.height, Math.max(6, f.width / 20), rng);
  const weight = new Float32Array(f.data.length);
  for (let j = 0; j < f.height; j++) {
    const y = f.ny(j);
    const front = -0.74 + 0.3 * smoothstep(0.2, 0.0, y);
    const back = 0.8 - 0.25 * smoothstep(0.2, 0.0, y);
    for (let i = 0; i < f.width; i++) {
      const x = f.nx(i);
      const k = j * f.width + i;
      const c = (2 * x - front - back) / (back - front);
      let att = c * c < 1 ? SOFT * 1.25 * Math.sqrt(1 - c * c) : 0;
      // Arms and shoulders raised over the upper chest.
      att += 0.35 * smoothstep(0.32, 0.12, y) * (c * c < 1 ? 1 : 0);
      const hxr = (x - hx) / hrx;
      const hyr = (y - hy) / hry;
      const heart = hxr * hxr + hyr * hyr < 1 ? Math.sqrt(1 - hxr * hxr - hyr * hyr) : 0;
      let air = lateralLung(a, x, y, a.cpY[0] - a.domeY[0] + 0.06) * (1 - 0.85 * smoothstep(0, 0.5, heart));
      // Effusion layers in the posterior sulcus with a meniscus rising posteriorly.
      if (y > fluidTop - 0.05 * smoothstep(0, 0.6, x)) air *= 1 - smoothstep(fluidTop - 0.05 * smoothstep(0, 0.6, x), fluidTop + 0.03, y) * smoothstep(-0.3, 0.2, x);
      att -= LUNG_AIR * air;
      weight[k] = air;
      // Spine: vertebral bodies stacked behind the lungs, discs between.
      if (x > 0.5 && x < 0.68 && y > 0.05) {
        const phase = ((y + 0.01) / 0.05) % 1;
        att += (phase < 0.14 ? 0.08 : 0.22) * smoothstep(0.5, 0.53, x) * smoothstep(0.68, 0.65, x);
      }
      // Sternum and the trachea's air column sloping back as it descends.
      if (x > front + 0.02 && x < front + 0.07 && y > 0.15 && y < 0.58) att += 0.15;
      const tx = x - (-0.05 + 0.25 * y);
      if (y < a.carinaY + 0.03 && Math.abs(tx) < 0.035) att -= 0.12 * smoothstep(0.035, 0.02, Math.abs(tx));
      att += (0.02 * noise[k]! + 0.035 * coarse[k]!) * air;
      f.data[k] = att;
    }
  }
  // Hila and posterior ribs, both sides superimposed with a small offset.
  f.addDisc(0.05, a.carinaY + 0.08, 0.08, 0.12);
  for (let r = 0; r < 10; r++) {
    for (const off of [0, 0.025]) {
      const y0 = a.apexY + 0.02 + r * a.ribSpacing + off;
      f.addPolyline([[0.62, y0], [0.3, y0 + 0.04], [-0.1, y0 + 0.12], [-0.45, y0 + 0.22]], 0.012, 0.05, weight, 0.4);
    }
  }
  for (const finding of plan.findings) {
    if (finding.kind === 'consolidation' || finding.kind === 'nodule') {
      const y = { upper: 0.3, middle: 0.45, lower: 0.6, none: 0.45 }[finding.zone] + findingRng.range(-0.03, 0.03);
      const x = findingRng.range(-0.2, 0.35);
      const r = finding.kind === 'nodule' ? (finding.sizeMm ?? 12) / 2 / a.fieldMm : { mild: 0.06, moderate: 0.09, severe: 0.13 }[finding.severity];
      f.addDisc(x, y, r, finding.kind === 'nodule' ? 0.3 : 0.35, finding.kind === 'nodule' ? undefined : weight);
    }
    if (finding.kind === 'support_devices') {
      for (const device of finding.devices ?? []) {
        if (device === 'pacemaker') f.addDisc(-0.5, a.apexY + 0.1, 0.04, 1.0);
        if (device === 'endotracheal_tube') f.addPolyline([[-0.08, 0], [-0.05 + 0.25 * (a.carinaY - 0.05), a.carinaY - 0.05]], 0.003, 0.25);
        if (device === 'nasogastric_tube') f.addPolyline([[-0.02, 0], [0.25, a.carinaY], [0.32, a.domeY[0]], [0.05, a.domeY[0] + 0.1]], 0.004, 0.18);
        if (device === 'central_line') f.addPolyline([[0.0, 0.1], [-0.1, 0.25], [-0.15, a.carinaY + 0.06]], 0.003, 0.25);
      }
    }
  }
}
