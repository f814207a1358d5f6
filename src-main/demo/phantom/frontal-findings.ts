/**
 * Findings on a frontal view, drawn into the attenuation field. Each one
 * changes what a radiologist looks for: fluid fills the costophrenic angle
 * with a meniscus, a pneumothorax leaves air without vessels beyond a thin
 * pleural line, consolidation replaces air with patchy density and air
 * bronchograms, a nodule is a round density, devices are metal-dense lines.
 */
import type { Rng } from '../random';
import type { Device, Finding, StudyPlan } from '../findings';
import { type Anatomy, type LungSign, lateralEdge, lungT, medialEdge, signOfSide } from './anatomy';
import { type Field, smoothstep, valueNoise } from './field';
import { drawVesselTree } from './vessels';

/** Per-pixel lung air 0..1 for the image-left ('right') and image-right ('left') lung. */
export interface LungMasks {
  left: Float32Array;
  right: Float32Array;
}

const LUNG_AIR = 0.7;

const sidesOf = (f: Finding): LungSign[] => (f.side === 'bilateral' ? [-1, 1] : f.side === 'left' || f.side === 'right' ? [signOfSide(f.side)] : []);
const maskOf = (m: LungMasks, sign: LungSign) => (sign > 0 ? m.left : m.right);

const EFFUSION_HEIGHT = { mild: 0.09, moderate: 0.19, severe: 0.36 } as const;
const PNEUMOTHORAX_GAP = { mild: 0.05, moderate: 0.1, severe: 0.19 } as const;
const CONSOLIDATION_RADIUS = { mild: 0.08, moderate: 0.12, severe: 0.17 } as const;

function drawEffusion(f: Field, a: Anatomy, sign: LungSign, finding: Finding, masks: LungMasks, vesselWeight: Float32Array, rng: Rng): void {
  const mask = maskOf(masks, sign);
  const cp = a.cpY[sign < 0 ? 0 : 1];
  const level = cp - EFFUSION_HEIGHT[finding.severity] * (cp - a.apexY) * rng.range(0.9, 1.1);
  f.forBox(a.midX + sign * 0.02, level - 0.08, a.midX + sign * (a.thoraxHalf + 0.05), 1, (x, y, k) => {
    const u = (x - a.midX) * sign;
    // Meniscus: the fluid climbs higher along the lateral chest wall.
    const top = level - 0.09 * Math.min(1, u / lateralEdge(a, sign, y)) ** 4;
    const w = smoothstep(top - 0.006, top + 0.05, y);
    if (w === 0 || mask[k]! === 0) return;
    // Fluid layers behind the lung: denser than the lung it replaces.
    f.data[k]! += (LUNG_AIR * 0.97 + 0.12) * mask[k]! * w;
    vesselWeight[k]! *= 1 - w;
    mask[k]! *= 1 - w;
  });
}

function drawPneumothorax(f: Field, a: Anatomy, sign: LungSign, finding: Finding, masks: LungMasks, vesselWeight: Float32Array): () => void {
  const mask = maskOf(masks, sign);
  const gap = PNEUMOTHORAX_GAP[finding.severity];
  const collapsedApex = a.apexY + gap * 0.9;
  const edgeAt = (y: number) => lateralEdge(a, sign, y) - gap * (1 - 0.6 * Math.min(1, Math.max(0, lungT(a, sign, y))));
  f.forBox(a.midX, 0, a.midX + sign * 1.2, 1, (x, y, k) => {
    if (mask[k]! < 0.02) return;
    const u = (x - a.midX) * sign;
    const outside = Math.max(smoothstep(edgeAt(y) - 0.004, edgeAt(y) + 0.004, u), smoothstep(collapsedApex + 0.004, collapsedApex - 0.004, y));
    // Beyond the pleural line: air only, no vessels; the collapsed lung is a little denser.
    vesselWeight[k]! *= 1 - outside;
    f.data[k]! += outside > 0.5 ? -0.1 * mask[k]! : 0.05 * mask[k]!;
  });
  return () => {
    const line: [number, number][] = [];
    const med = medialEdge(a, sign, collapsedApex + 0.03) + 0.02;
    for (let s = 0; s <= 6; s++) line.push([a.midX + sign * (med + ((edgeAt(collapsedApex) - med) * s) / 6), collapsedApex + 0.012 * Math.sin((Math.PI * s) / 6) * -1]);
    const bottom = a.cpY[sign < 0 ? 0 : 1] - 0.12;
    for (let s = 1; s <= 20; s++) {
      const y = collapsedApex + ((bottom - collapsedApex) * s) / 20;
      line.push([a.midX + sign * edgeAt(y), y]);
    }
    f.addPolyline(line, 0.0035, 0.07);
  };
}

function drawConsolidation(f: Field, a: Anatomy, sign: LungSign, finding: Finding, masks: LungMasks, vesselWeight: Float32Array, rng: Rng): () => void {
  const mask = maskOf(masks, sign);
  const t = { upper: 0.25, middle: 0.5, lower: 0.8, none: 0.5 }[finding.zone] + rng.range(-0.05, 0.05);
  const cy = a.apexY + t * (a.cpY[sign < 0 ? 0 : 1] - a.apexY);
  const cu = (medialEdge(a, sign, cy) + lateralEdge(a, sign, cy)) / 2 + rng.range(-0.03, 0.06);
  const cx = a.midX + sign * cu;
  const radius = CONSOLIDATION_RADIUS[finding.severity];
  // Two octaves of smooth noise: fluffy, ill-defined margins rather than blocks.
  const coarse = valueNoise(f.width, f.height, Math.max(6, f.width / 14), rng);
  const fine = valueNoise(f.width, f.height, Math.max(3, f.width / 45), rng);
  const opacity = new Float32Array(f.data.length);
  const aspect = f.width / f.height / 2;
  f.forBox(cx - (radius * 1.6) / aspect, cy - radius * 1.6, cx + (radius * 1.6) / aspect, cy + radius * 1.6, (x, y, k) => {
    const r = Math.hypot((x - cx) * aspect, y - cy) / radius;
    const w = smoothstep(0, 0.9, 1.3 * (1 - r) + 0.3 * coarse[k]! + 0.12 * fine[k]!) * mask[k]!;
    if (w <= 0) return;
    opacity[k] = w;
    f.data[k]! += LUNG_AIR * 0.8 * w;
    vesselWeight[k]! *= 1 - 0.85 * w;
  });
  return () => {
    const hilumY = a.carinaY + 0.08;
    const grow = new Float32Array(f.data.length);
    for (let k = 0; k < grow.length; k++) grow[k] = mask[k]!;
    drawVesselTree(f, a, sign, a.midX + sign * (medialEdge(a, sign, hilumY) + 0.02), hilumY, opacity, rng, -0.035, grow);
  };
}

function drawNodule(f: Field, a: Anatomy, sign: LungSign, finding: Finding, masks: LungMasks, rng: Rng): void {
  const mask = maskOf(masks, sign);
  const t = { upper: 0.22, middle: 0.5, lower: 0.72, none: 0.5 }[finding.zone];
  for (let attempt = 0; attempt < 30; attempt++) {
    const y = a.apexY + (t + rng.range(-0.08, 0.08)) * (a.cpY[sign < 0 ? 0 : 1] - a.apexY);
    const u = medialEdge(a, sign, y) + rng.range(0.2, 0.8) * (lateralEdge(a, sign, y) - medialEdge(a, sign, y));
    const x = a.midX + sign * u;
    const k = Math.round(f.row(y)) * f.width + Math.round(f.col(x));
    if ((mask[k] ?? 0) < 0.5 && attempt < 29) continue;
    f.addDisc(x, y, (finding.sizeMm ?? 12) / 2 / a.fieldMm, 0.32);
    return;
  }
}

function drawDevice(f: Field, a: Anatomy, device: Device, rng: Rng): void {
  const m = a.midX;
  switch (device) {
    case 'endotracheal_tube': {
      const tip = a.carinaY - rng.range(0.03, 0.07);
      const path: [number, number][] = [[m + 0.01, 0], [m + 0.006, tip * 0.5], [m + 0.004, tip]];
      f.addPolyline(path, 0.012, 0.05, undefined, 0.8);
      f.addPolyline(path.map(([x, y]) => [x + 0.008, y]), 0.0025, 0.28);
      return;
    }
    case 'central_line': {
      const tip: [number, number] = [m - 0.045, a.carinaY + rng.range(0.03, 0.08)];
      const path: [number, number][] = rng.chance(0.5)
        ? [[m - 0.15, 0], [m - 0.09, 0.16], [m - 0.055, 0.28], tip]
        : [[m + 0.7, 0.2], [m + 0.35, 0.18], [m + 0.1, 0.24], [m - 0.03, 0.29], tip];
      f.addPolyline(path, 0.004, 0.3);
      return;
    }
    case 'pacemaker': {
      const gx = m + a.thoraxHalf * 0.68;
      const gy = a.apexY + 0.09;
      f.forBox(gx - 0.07, gy - 0.045, gx + 0.07, gy + 0.045, (x, y, k) => {
        const rx = Math.abs(x - gx) / 0.07;
        const ry = Math.abs(y - gy) / 0.045;
        if (rx ** 4 + ry ** 4 < 1) f.data[k]! += 1.1;
      });
      const h = a.heart;
      f.addPolyline(
        [[gx - 0.04, gy], [m + 0.3, gy - 0.01], [m + 0.08, a.carinaY - 0.04], [m - 0.05, a.carinaY + 0.08], [m - 0.02, h.bottomY - 0.1], [h.leftX - 0.12, h.bottomY - 0.06]],
        0.0045,
        0.5,
      );
      return;
    }
    case 'nasogastric_tube': {
      const d = a.domeY[1];
      f.addPolyline([[m + 0.015, 0], [m + 0.02, a.carinaY], [m + 0.045, d], [m + 0.2, d + 0.08], [m + 0.32, d + 0.1]], 0.006, 0.16, undefined, 0.7);
      return;
    }
  }
}

/**
 * Draws what changes the lung (fluid, air, opacity) now, and returns a function
 * that draws what lies on top of everything (pleural line, bronchograms, devices).
 */
export function drawFrontalFindings(f: Field, plan: StudyPlan, a: Anatomy, masks: LungMasks, vesselWeight: Float32Array, rng: Rng): { after: () => void } {
  const later: (() => void)[] = [];
  for (const finding of plan.findings) {
    for (const sign of sidesOf(finding)) {
      if (finding.kind === 'pleural_effusion') drawEffusion(f, a, sign, finding, masks, vesselWeight, rng);
      if (finding.kind === 'pneumothorax') later.push(drawPneumothorax(f, a, sign, finding, masks, vesselWeight));
      if (finding.kind === 'consolidation') later.push(drawConsolidation(f, a, sign, finding, masks, vesselWeight, rng));
      if (finding.kind === 'nodule') drawNodule(f, a, sign, finding, masks, rng);
    }
    if (finding.kind === 'support_devices') later.push(() => finding.devices?.forEach((d) => drawDevice(f, a, d, rng)));
  }
  return { after: () => later.forEach((draw) => draw()) };
}
