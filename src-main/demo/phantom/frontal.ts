/**
 * Frontal (PA / AP) chest radiograph as a map of attenuation (line integrals,
 * arbitrary units: about 1 through the full soft-tissue thickness, 0 in air
 * beside the patient). Anatomy first, then findings and devices on top.
 */
import type { Rng } from '../random';
import type { StudyPlan } from '../findings';
import { type Anatomy, type LungSign, heartThickness, lateralEdge, lungAir, medialEdge, diaphragmY } from './anatomy';
import { Field, smoothstep, valueNoise } from './field';
import { drawFrontalFindings, type LungMasks } from './frontal-findings';
import { drawVesselTree } from './vessels';

const SOFT = 0.95;
const LUNG_AIR = 0.55;

function bodyHalfWidth(a: Anatomy, y: number): number {
  const neck = 0.17;
  const shoulder = Math.min(1.05, a.bodyHalf + 0.2);
  if (y < 0.03) return neck;
  if (y < 0.15) return neck + (shoulder - neck) * smoothstep(0.03, 0.15, y);
  return shoulder + (a.bodyHalf - shoulder) * smoothstep(0.15, 0.32, y);
}

/** Soft tissue, lungs, heart, mediastinum, spine, trachea; returns the per-side lung air masks. */
function drawBody(f: Field, a: Anatomy, rng: Rng): LungMasks {
  const left = new Float32Array(f.data.length);
  const right = new Float32Array(f.data.length);
  const bubbleX = a.midX + a.thoraxHalf * 0.42;
  const bubbleY = a.domeY[1] + 0.055;
  const breastY = a.domeY[0] - 0.01;
  const breastR = rng.range(0.16, 0.22);
  for (let j = 0; j < f.height; j++) {
    const y = f.ny(j);
    const half = bodyHalfWidth(a, y);
    for (let i = 0; i < f.width; i++) {
      const x = f.nx(i);
      const k = j * f.width + i;
      const xr = (x - a.midX) / half;
      let att = xr * xr < 1 ? SOFT * Math.sqrt(1 - xr * xr) : 0;
      // Arms beside the chest in AP; shoulder girdle soft tissue in both.
      if (a.view === 'AP' && Math.abs(x - a.midX) > half && Math.abs(x - a.midX) < half + 0.13 && y > 0.12 && y < 0.75) {
        const ar = (Math.abs(x - a.midX) - half - 0.065) / 0.065;
        att += 0.55 * Math.sqrt(Math.max(0, 1 - ar * ar));
      }
      const heart = heartThickness(a, x, y);
      // The heart hides most of the lung behind it; some retrocardiac air remains.
      const hidden = 1 - 0.85 * smoothstep(0, 0.6, heart);
      const airR = lungAir(a, -1, x, y) * hidden;
      const airL = lungAir(a, 1, x, y) * hidden;
      right[k] = airR;
      left[k] = airL;
      att -= LUNG_AIR * (airR + airL);
      att += 0.04 * heart;
      // Trachea and main bronchi: an air column down the midline.
      const dxm = x - a.midX - 0.004 * y;
      if (y < a.carinaY) att -= 0.16 * smoothstep(0.028, 0.016, Math.abs(dxm)) * smoothstep(0.0, 0.05, y);
      // Spine: vertebral bodies with denser end plates, fainter behind the heart.
      const sx = Math.abs(x - a.midX) / 0.06;
      if (sx < 1) {
        const phase = ((y + 0.013) / 0.047) % 1;
        const plate = phase < 0.12 ? -0.02 : phase < 0.2 || phase > 0.92 ? 0.02 : 0;
        att += (0.07 + plate) * Math.sqrt(1 - sx * sx) * (0.6 + 0.4 * smoothstep(0.0, 0.6, 1 - y));
      }
      // Gastric air bubble under the left hemidiaphragm.
      const bx = (x - bubbleX) / 0.07;
      const by = (y - bubbleY) / 0.035;
      if (bx * bx + by * by < 1 && y > diaphragmY(a, 1, x - a.midX) + 0.012) att -= 0.16 * Math.sqrt(1 - bx * bx - by * by);
      if (a.female) {
        for (const s of [-1, 1]) {
          const ex = (x - (a.midX + s * 0.44)) / (breastR * 1.25);
          const ey = (y - breastY) / breastR;
          if (ex * ex + ey * ey < 1) att += 0.16 * Math.sqrt(1 - ex * ex - ey * ey) * smoothstep(breastY - breastR, breastY + 0.1, y);
        }
      }
      f.data[k] = att;
    }
  }
  return { left, right };
}

/** Posterior ribs arc out from the spine; anterior ribs run down and in, fainter. */
function drawRibs(f: Field, a: Anatomy, rng: Rng, boneWeight: Float32Array): void {
  for (const sign of [-1, 1] as LungSign[]) {
    for (let r = 0; r < 11; r++) {
      const y0 = a.apexY - 0.035 + r * a.ribSpacing + rng.range(-0.004, 0.004);
      const edge = lateralEdge(a, sign, y0 + 0.08) + 0.035;
      const posterior: [number, number][] = [];
      const steps = 14;
      for (let s = 0; s <= steps; s++) {
        const t = s / steps;
        const u = 0.05 + (edge - 0.05) * t;
        const y = y0 - 0.03 * Math.sin(Math.PI * t * 0.6) + 0.13 * t * t * t + 0.015 * t;
        posterior.push([a.midX + sign * u, y]);
      }
      const thickness = 0.013 + 0.003 * (r / 11);
      f.addPolyline(posterior, thickness, 0.1, boneWeight, 0.5);
      const [ex, ey] = posterior[steps]!;
      const anterior: [number, number][] = [];
      for (let s = 0; s <= steps; s++) {
        const t = s / steps;
        anterior.push([ex - sign * (edge * 0.6) * t, ey - 0.01 * Math.sin(Math.PI * t) + 0.11 * t]);
      }
      if (r >= 1 && r <= 7) f.addPolyline(anterior, thickness * 1.2, 0.045, boneWeight, 0.3);
    }
    // Clavicle: an S-curve from the sternal notch to the acromion.
    const clav: [number, number][] = [];
    for (let s = 0; s <= 16; s++) {
      const t = s / 16;
      const u = 0.06 + t * (a.thoraxHalf * 0.72);
      clav.push([a.midX + sign * u, a.apexY + 0.045 - 0.07 * t + 0.012 * Math.sin(2 * Math.PI * t) + (a.view === 'AP' ? -0.02 : 0)]);
    }
    f.addPolyline(clav, 0.016, 0.22, undefined, 0.5);
    // Humeral head and scapular border.
    f.addDisc(a.midX + sign * (a.thoraxHalf + 0.17), a.apexY + 0.05, 0.07, 0.3);
    const scap: [number, number][] = [];
    for (let s = 0; s <= 10; s++) {
      const t = s / 10;
      scap.push([a.midX + sign * (a.thoraxHalf * (0.95 - 0.12 * Math.sin(Math.PI * t))), a.apexY + 0.05 + 0.3 * t]);
    }
    f.addPolyline(scap, 0.012, 0.06, undefined, 0.2);
  }
}

export function renderFrontal(f: Field, plan: StudyPlan, a: Anatomy, anatomyRng: Rng, findingRng: Rng): void {
  const masks = drawBody(f, a, anatomyRng);
  const textureNoise = valueNoise(f.width, f.height, Math.max(3, f.width / 90), anatomyRng);
  const coarseNoise = valueNoise(f.width, f.height, Math.max(6, f.width / 24), anatomyRng);
  const vesselWeight = new Float32Array(f.data.length);
  for (let k = 0; k < vesselWeight.length; k++) vesselWeight[k] = Math.min(1, 1.6 * (masks.left[k]! + masks.right[k]!));
  const plannedFindings = drawFrontalFindings(f, plan, a, masks, vesselWeight, findingRng);
  // Parenchymal texture and hilar densities: only where there is lung left to show them.
  for (let k = 0; k < f.data.length; k++) f.data[k]! += (0.03 * textureNoise[k]! + 0.05 * coarseNoise[k]!) * vesselWeight[k]!;
  for (const sign of [-1, 1] as LungSign[]) {
    const hilumY = a.carinaY + (sign > 0 ? 0.06 : 0.09);
    const hilumX = a.midX + sign * (medialEdge(a, sign, hilumY) + 0.03);
    f.addDisc(hilumX, hilumY, 0.045, 0.1);
    drawVesselTree(f, a, sign, hilumX, hilumY, vesselWeight, anatomyRng);
  }
  // Bone shows best against aerated lung; over the mediastinum and abdomen it fades.
  const boneWeight = new Float32Array(f.data.length);
  for (let k = 0; k < boneWeight.length; k++) boneWeight[k] = 0.4 + 0.6 * Math.min(1, 2 * (masks.left[k]! + masks.right[k]!));
  drawRibs(f, a, anatomyRng, boneWeight);
  plannedFindings.after();
}
