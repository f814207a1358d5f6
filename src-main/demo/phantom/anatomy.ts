/**
 * One synthetic patient's chest, in normalised image coordinates (see Field):
 * sizes and positions drawn around typical adult proportions. Frontal views
 * show the patient's right on the image left, so side 'right' has sign -1.
 */
import type { Rng } from '../random';
import type { View } from '../findings';
import { smoothstep } from './field';

export interface Anatomy {
  view: View;
  /** Midline x (patient rotation moves it a little). */
  midX: number;
  apexY: number;
  /** Half-width of the thorax at the inner rib margin, normalised x. */
  thoraxHalf: number;
  /** Dome tops and costophrenic angles; index 0 = image left (patient right). */
  domeY: [number, number];
  cpY: [number, number];
  mediastinumHalf: number;
  carinaY: number;
  heart: { rightX: number; leftX: number; topY: number; bottomY: number };
  bodyHalf: number;
  ribSpacing: number;
  female: boolean;
  /** Field height in millimetres (for nodule sizes and pixel spacing). */
  fieldMm: number;
}

export function drawAnatomy(rng: Rng, view: View, sex: 'F' | 'M', cardiothoracicRatio: number): Anatomy {
  const portable = view === 'AP';
  // Films are collimated to the thorax: the lungs span most of the width.
  const thoraxHalf = rng.range(0.8, 0.88);
  const apexY = rng.range(0.07, 0.1) + (portable ? 0.02 : 0);
  // Portable films are taken in poorer inspiration: domes sit higher.
  const domeRight = rng.range(0.66, 0.72) + (portable ? 0.03 : 0);
  const domeLeft = domeRight + rng.range(0.015, 0.045);
  const cpDrop = rng.range(0.07, 0.1);
  const midX = rng.range(-0.03, 0.03);
  // AP projection magnifies the heart by about 10%.
  const heartWidth = cardiothoracicRatio * 2 * thoraxHalf * (portable ? 1.08 : 1) * 0.95;
  const rightShare = rng.range(0.26, 0.33);
  return {
    view,
    midX,
    apexY,
    thoraxHalf,
    domeY: [domeRight, domeLeft],
    cpY: [domeRight + cpDrop, domeLeft + cpDrop],
    mediastinumHalf: rng.range(0.075, 0.095),
    carinaY: rng.range(0.28, 0.33),
    heart: {
      rightX: midX - heartWidth * rightShare,
      leftX: midX + heartWidth * (1 - rightShare),
      topY: rng.range(0.37, 0.42),
      bottomY: domeLeft + 0.03,
    },
    bodyHalf: thoraxHalf + rng.range(0.2, 0.32),
    ribSpacing: (domeRight + cpDrop - apexY) / rng.range(9.2, 10.2),
    female: sex === 'F',
    fieldMm: rng.range(340, 390),
  };
}

/** +1 for the image-right lung (patient left in frontal views), -1 for image-left. */
export type LungSign = -1 | 1;

export function signOfSide(side: 'left' | 'right'): LungSign {
  return side === 'left' ? 1 : -1;
}

const sideIndex = (sign: LungSign) => (sign < 0 ? 0 : 1);

/** Lung vertical progress t: 0 at the apex, 1 at the costophrenic angle. */
export function lungT(a: Anatomy, sign: LungSign, y: number): number {
  return (y - a.apexY) / (a.cpY[sideIndex(sign)] - a.apexY);
}

/** Distance from the midline of the lung's lateral edge at height y. */
export function lateralEdge(a: Anatomy, sign: LungSign, y: number): number {
  const t = Math.min(1, Math.max(0, lungT(a, sign, y)));
  // Rounded apex, then nearly the full width from the mid zone down.
  const s = Math.min(1, t * 1.25);
  return a.thoraxHalf * (0.36 + 0.64 * Math.sqrt(1 - (1 - s) * (1 - s)));
}

/** Distance from the midline of the lung's medial edge (the mediastinum) at height y. */
export function medialEdge(a: Anatomy, sign: LungSign, y: number): number {
  const t = lungT(a, sign, y);
  const apexMedial = a.thoraxHalf * 0.3;
  const top = t < 0.25 ? a.mediastinumHalf + (apexMedial - a.mediastinumHalf) * ((0.25 - t) / 0.25) ** 2 : a.mediastinumHalf;
  // Aortic knob on the patient's left pushes the medial edge out.
  const knob = sign > 0 ? 0.045 * Math.exp(-(((y - (a.carinaY - 0.05)) / 0.035) ** 2)) : 0;
  // The mediastinum widens towards the heart, so the two merge smoothly.
  const widen = 0.04 * smoothstep(a.carinaY, a.heart.topY + 0.04, y);
  return top + knob + widen;
}

/** Dome of the hemidiaphragm under this lung: y of the lung's lower edge at distance u. */
export function diaphragmY(a: Anatomy, sign: LungSign, u: number): number {
  const i = sideIndex(sign);
  const peak = a.thoraxHalf * 0.42;
  if (u >= peak) {
    const s = (u - peak) / (a.thoraxHalf - peak);
    return a.domeY[i] + (a.cpY[i] - a.domeY[i]) * s * s;
  }
  return a.domeY[i] + 0.05 * ((peak - u) / peak) ** 2;
}

/**
 * How much air the lung holds at (x, y) on one side, 0..1: the lung outline
 * with soft margins, thicker towards the bases as the chest deepens.
 */
export function lungAir(a: Anatomy, sign: LungSign, x: number, y: number): number {
  const u = (x - a.midX) * sign;
  if (u <= 0) return 0;
  return lungAirFrom(u, y, lungT(a, sign, y), medialEdge(a, sign, y), lateralEdge(a, sign, y), diaphragmY(a, sign, u));
}

/**
 * lungAir from its parts, for callers that compute the row terms (t, medial and
 * lateral edge) once per row and the dome height once per column.
 */
export function lungAirFrom(u: number, y: number, t: number, med: number, lat: number, dia: number): number {
  if (u <= 0 || t < -0.02) return 0;
  const m = smoothstep(-0.01, 0.05, u - med) * smoothstep(-0.01, 0.06, lat - u) * smoothstep(-0.006, 0.025, dia - y) * smoothstep(-0.03, 0.04, t);
  if (m === 0) return 0;
  // Most air in the mid zones; apices and bases are overlapped by more soft tissue.
  return m * (0.78 + 0.22 * Math.sin(Math.PI * Math.min(1, Math.max(0, t)) * 0.8 + 0.3)) * (0.8 + 0.2 * smoothstep(0, 0.25, lat - u));
}

/** Heart silhouette thickness 0..1 (an ellipse sitting on the diaphragm). */
export function heartThickness(a: Anatomy, x: number, y: number): number {
  const h = a.heart;
  const cx = (h.rightX + h.leftX) / 2;
  const cy = (h.topY + h.bottomY) / 2 + 0.02;
  const rx = (h.leftX - h.rightX) / 2;
  const ry = (h.bottomY - h.topY) / 2 + 0.03;
  // Tilt: the apex points down and to the patient's left.
  // Egg-shaped: narrower at the top where it meets the mediastinum.
  const narrowing = 0.75 + 0.25 * smoothstep(h.topY, cy + 0.05, y);
  const dx = (x - cx) / (rx * narrowing);
  const dy = (y - cy) / ry - 0.25 * dx;
  const r2 = dx * dx + dy * dy;
  return r2 >= 1 ? 0 : Math.sqrt(1 - r2);
}
