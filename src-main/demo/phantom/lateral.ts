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
import { drawVesselTree } from './vessels';

const SOFT = 0.95;
const LUNG_AIR = 0.6;

/** Lung outline of the lateral view: x from behind the sternum (-) to over the spine (+). */
function lateralLung(a: Anatomy, x: number, y: number, postDrop: number): number {
  // Apex behind the shoulders, highest a little behind the middle.
  const top = a.apexY + 0.06 + 0.18 * ((x - 0.1) / 0.7) ** 2;
  const front = -0.58 + 0.22 * smoothstep(0.45, a.apexY, y);
  const back = 0.66 - 0.15 * smoothstep(0.35, a.apexY, y);
  // Domes slope down to the deep posterior costophrenic sulcus.
  const dome = a.domeY[0] - 0.04 + postDrop * smoothstep(-0.5, 0.7, x) ** 1.5;
  return smoothstep(top - 0.02, top + 0.06, y) * smoothstep(front - 0.03, front + 0.07, x) * smoothstep(back + 0.03, back - 0.06, x) * smoothstep(dome + 0.015, dome - 0.03, y);
}

export function renderLateral(f: Field, plan: StudyPlan, a: Anatomy, rng: Rng, findingRng: Rng): void {
  const heartScale = plan.cardiothoracicRatio / 0.45;
  const hx = -0.28 + 0.05 * (heartScale - 1);
  const hy = a.domeY[0] - 0.08;
  const hrx = 0.3 * heartScale;
  const hry = 0.19 * Math.sqrt(heartScale);
  const effusion = plan.findings.find((x) => x.kind === 'pleural_effusion');
  const fluidTop = effusion ? a.cpY[0] + 0.1 - { mild: 0.08, moderate: 0.16, severe: 0.3 }[effusion.severity] : Infinity;
  const noise = valueNoise(f.width, f.height, Math.max(3, f.width / 80), rng);
  const coarse = valueNoise(f.width, f.height, Math.max(6, f.width / 20), rng);
  const weight = new Float32Array(f.data.length);
  for (let j = 0; j < f.height; j++) {
    const y = f.ny(j);
    // The film is filled by the chest; the neck and shoulders cross its top.
    const front = -0.86 + 0.12 * smoothstep(0.25, 0.0, y);
    const back = 0.92;
    for (let i = 0; i < f.width; i++) {
      const x = f.nx(i);
      const k = j * f.width + i;
      const c = Math.abs((2 * x - front - back) / (back - front));
      let att = c < 1 ? SOFT * 1.2 * Math.cbrt(1 - c ** 6) : 0;
      // Arms raised in front of the face and shoulders over the upper chest.
      att += 0.4 * smoothstep(0.3, 0.08, y) * (c < 1 ? 1 : 0) + 0.25 * smoothstep(0.2, 0.05, y) * smoothstep(-0.2, -0.6, x);
      const hxr = (x - hx) / hrx;
      const hyr = (y - hy) / hry;
      const r2 = hxr * hxr + hyr * hyr;
      // The heart's border is soft on a lateral: it sits among both lungs.
      let air = lateralLung(a, x, y, a.cpY[0] - a.domeY[0] + 0.14) * (1 - 0.75 * smoothstep(1.15, 0.35, r2));
      // Effusion layers in the posterior sulcus with a meniscus rising posteriorly.
      const meniscus = fluidTop - 0.06 * smoothstep(0, 0.6, x);
      if (y > meniscus - 0.02) air *= 1 - smoothstep(meniscus, meniscus + 0.04, y) * smoothstep(-0.3, 0.2, x);
      att -= LUNG_AIR * air;
      weight[k] = air;
      // Spine: vertebral bodies with end plates, the lung overlapping their front.
      if (x > 0.5 && x < 0.78 && y > 0.08) {
        const phase = ((y + 0.01) / 0.052) % 1;
        const body = smoothstep(0.5, 0.54, x) * smoothstep(0.74, 0.7, x);
        att += (phase < 0.15 ? 0.06 : phase < 0.22 || phase > 0.93 ? 0.16 : 0.12) * body;
      }
      // Sternum, and the trachea's air column sloping back as it descends.
      if (y > 0.15 && y < 0.58) att += 0.1 * smoothstep(front + 0.02, front + 0.05, x) * smoothstep(front + 0.1, front + 0.07, x);
      const tx = x - (-0.08 + 0.3 * y);
      if (y < a.carinaY + 0.05) att -= 0.08 * smoothstep(0.035, 0.02, Math.abs(tx));
      att += (0.025 * noise[k]! + 0.04 * coarse[k]!) * air;
      f.data[k] = att;
    }
  }
  // Hila and posterior ribs, both sides superimposed with a small offset.
  f.addDisc(0.05, a.carinaY + 0.08, 0.08, 0.1, weight);
  // Vessels fan out from the hilum towards the front and the back.
  for (const sign of [-1, 1] as const) drawVesselTree(f, a, sign, 0.05, a.carinaY + 0.08, weight, rng, 0.1);
  for (let r = 0; r < 10; r++) {
    for (const off of [0, 0.025]) {
      const y0 = a.apexY + 0.02 + r * a.ribSpacing + off;
      f.addPolyline([[0.75, y0], [0.4, y0 + 0.05], [0.0, y0 + 0.13], [-0.45, y0 + 0.24]], 0.012, 0.06, weight, 0.4);
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
