/**
 * Frontal (PA / AP) chest radiograph as a map of attenuation (line integrals,
 * arbitrary units: about 1 through the full soft-tissue thickness, 0 in air
 * beside the patient). Anatomy first, then findings and devices on top.
 */
import { type Rng, createRng } from '../random';
import type { StudyPlan } from '../findings';
import { type Anatomy, type LungSign, diaphragmY, heartThickness, lateralEdge, lungAirFrom, lungT, medialEdge } from './anatomy';
import { Field, smoothstep, valueNoise } from './field';
import { drawFrontalFindings, type LungMasks } from './frontal-findings';
import { drawVesselTree } from './vessels';

const SOFT = 0.95;
const LUNG_AIR = 0.7;

function bodyHalfWidth(a: Anatomy, y: number): number {
  // The top edge of the film cuts through the lower neck and the shoulders.
  const neck = 0.3;
  const shoulder = a.bodyHalf + 0.2;
  if (y < 0.07) return neck + (shoulder - neck) * smoothstep(-0.04, 0.07, y);
  return shoulder + (a.bodyHalf - shoulder) * smoothstep(0.07, 0.3, y);
}

/** Soft tissue, lungs, heart, mediastinum, spine, trachea; returns the per-side lung air masks. */
function drawBody(f: Field, a: Anatomy, rng: Rng): LungMasks {
  const left = new Float32Array(f.data.length);
  const right = new Float32Array(f.data.length);
  const bubbleX = a.midX + a.thoraxHalf * 0.42;
  const bubbleY = a.domeY[1] + 0.055;
  const breastY = a.domeY[0] - 0.1;
  const breastR = rng.range(0.16, 0.22);
  // Dome heights depend on x only: one per column and side.
  const domeR = new Float32Array(f.width);
  const domeL = new Float32Array(f.width);
  for (let i = 0; i < f.width; i++) {
    domeR[i] = diaphragmY(a, -1, -(f.nx(i) - a.midX));
    domeL[i] = diaphragmY(a, 1, f.nx(i) - a.midX);
  }
  for (let j = 0; j < f.height; j++) {
    const y = f.ny(j);
    const half = bodyHalfWidth(a, y);
    const [tR, medR, latR] = [lungT(a, -1, y), medialEdge(a, -1, y), lateralEdge(a, -1, y)];
    const [tL, medL, latL] = [lungT(a, 1, y), medialEdge(a, 1, y), lateralEdge(a, 1, y)];
    for (let i = 0; i < f.width; i++) {
      const x = f.nx(i);
      const k = j * f.width + i;
      const xr = (x - a.midX) / half;
      // The chest is a rounded box in cross-section: thick almost to its edges.
      const ax = Math.abs(xr);
      let att = ax < 1 ? SOFT * Math.cbrt(1 - ax ** 6) : 0;
      // Arms beside the chest in AP; shoulder girdle soft tissue in both.
      if (a.view === 'AP' && Math.abs(x - a.midX) > half && Math.abs(x - a.midX) < half + 0.13 && y > 0.12 && y < 0.75) {
        const ar = (Math.abs(x - a.midX) - half - 0.065) / 0.065;
        att += 0.55 * Math.sqrt(Math.max(0, 1 - ar * ar));
      }
      const heart = heartThickness(a, x, y);
      // The heart hides most of the lung behind it; some retrocardiac air remains.
      const hidden = 1 - 0.85 * smoothstep(0, 0.6, heart);
      const airR = lungAirFrom(a.midX - x, y, tR, medR, latR, domeR[i]!) * hidden;
      const airL = lungAirFrom(x - a.midX, y, tL, medL, latL, domeL[i]!) * hidden;
      right[k] = airR;
      left[k] = airL;
      att -= LUNG_AIR * (airR + airL);
      att += 0.04 * heart;
      // Trachea and main bronchi: an air column down the midline.
      const dxm = x - a.midX - 0.004 * y;
      if (y < a.carinaY) att -= 0.07 * smoothstep(0.03, 0.015, Math.abs(dxm)) * smoothstep(a.carinaY + 0.02, a.carinaY - 0.06, y);
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
      if (bx * bx + by * by < 1 && y > domeL[i]! + 0.012) att -= 0.16 * Math.sqrt(1 - bx * bx - by * by);
      if (a.female) {
        for (const s of [-1, 1]) {
          const ex = (x - (a.midX + s * 0.5 * a.thoraxHalf)) / (breastR * 1.5);
          const ey = (y - breastY) / breastR;
          if (ex * ex + ey * ey < 1) att += 0.08 * Math.sqrt(1 - ex * ex - ey * ey) * smoothstep(breastY - breastR, breastY + 0.12, y);
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
        // Up and out from the spine, then arching down along the lateral chest wall.
        const y = y0 - 0.03 * Math.sin(Math.PI * Math.min(1, t * 1.4) * 0.5) + 0.17 * Math.pow(t, 2.4);
        posterior.push([a.midX + sign * u, y]);
      }
      const thickness = 0.013 + 0.003 * (r / 11);
      f.addPolyline(posterior, thickness, 0.13, boneWeight, 0.5);
      const [ex, ey] = posterior[steps]!;
      const anterior: [number, number][] = [];
      for (let s = 0; s <= steps; s++) {
        const t = s / steps;
        anterior.push([ex - sign * (edge * 0.62) * t, ey - 0.05 - 0.02 * Math.sin(Math.PI * t) + 0.14 * t]);
      }
      if (r >= 1 && r <= 7) f.addPolyline(anterior, thickness * 1.25, 0.06, boneWeight, 0.35);
    }
    // Clavicle: an S-curve from the sternal notch to the acromion.
    const clav: [number, number][] = [];
    for (let s = 0; s <= 32; s++) {
      const t = s / 32;
      const u = 0.07 + t * (a.thoraxHalf * 0.85);
      clav.push([a.midX + sign * u, a.apexY + 0.09 - 0.11 * t + 0.015 * Math.sin(2 * Math.PI * t) + (a.view === 'AP' ? -0.025 : 0)]);
    }
    f.addPolyline(clav, 0.016, 0.1, boneWeight, 0.3);
    // Humeral head and scapular border.
    f.addDisc(a.midX + sign * (a.thoraxHalf + 0.22), a.apexY - 0.02, 0.11, 0.14);
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
  // Separate streams for each vessel tree and the ribs: a finding that stops a tree early
  // must not move the ribs or the other lung's vessels.
  const streamSeeds = [anatomyRng(), anatomyRng(), anatomyRng()].map((u) => Math.floor(u * 4294967296));
  const plannedFindings = drawFrontalFindings(f, plan, a, masks, vesselWeight, findingRng);
  // Parenchymal texture and hilar densities: only where there is lung left to show them.
  for (let k = 0; k < f.data.length; k++) f.data[k]! += (0.025 * textureNoise[k]! + 0.04 * coarseNoise[k]!) * vesselWeight[k]!;
  for (const sign of [-1, 1] as LungSign[]) {
    const hilumY = a.carinaY + (sign > 0 ? 0.06 : 0.09);
    const hilumX = a.midX + sign * (medialEdge(a, sign, hilumY) + 0.03);
    f.addDisc(hilumX, hilumY, 0.06, 0.12, vesselWeight);
    drawVesselTree(f, a, sign, hilumX, hilumY, vesselWeight, createRng(streamSeeds[sign < 0 ? 0 : 1]!));
  }
  // Bone shows best against aerated lung; over the mediastinum and abdomen it fades.
  const boneWeight = new Float32Array(f.data.length);
  for (let k = 0; k < boneWeight.length; k++) boneWeight[k] = 0.3 + 0.7 * Math.min(1, 2 * (masks.left[k]! + masks.right[k]!));
  drawRibs(f, a, createRng(streamSeeds[2]!), boneWeight);
  plannedFindings.after();
}
