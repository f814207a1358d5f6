/**
 * Pulmonary vessels: a branching tree from each hilum that tapers and fades
 * towards the periphery. Drawn with the lung weight, so vessels vanish where
 * there is no aerated lung (behind a pneumothorax, under the heart).
 */
import type { Rng } from '../random';
import { type Anatomy, type LungSign } from './anatomy';
import type { Field } from './field';

interface Branch {
  x: number;
  y: number;
  angle: number;
  length: number;
  halfWidth: number;
  depth: number;
}

const MAX_DEPTH = 5;

export function drawVesselTree(f: Field, a: Anatomy, sign: LungSign, hx: number, hy: number, weight: Float32Array, rng: Rng, amount = 0.09, growMask: Float32Array = weight): void {
  // Trunks: upward, lateral, lateral-down and downward (angles in y-down image space).
  const outward = sign > 0 ? 0 : Math.PI;
  const trunks = [-Math.PI / 2 + sign * 0.45, outward - sign * 0.35, outward + sign * 0.35, Math.PI / 2 - sign * 0.35];
  const stack: Branch[] = trunks.map((angle) => ({
    x: hx,
    y: hy,
    angle: angle + rng.range(-0.15, 0.15),
    length: a.thoraxHalf * rng.range(0.12, 0.16),
    halfWidth: 0.011,
    depth: 0,
  }));
  const aspect = f.width / f.height / 2;
  while (stack.length > 0) {
    const b = stack.pop()!;
    const points: [number, number][] = [[b.x, b.y]];
    let { x, y, angle } = b;
    const steps = 4;
    for (let s = 0; s < steps; s++) {
      angle += rng.range(-0.3, 0.3);
      x += (Math.cos(angle) * b.length) / steps / aspect;
      y += (Math.sin(angle) * b.length) / steps;
      points.push([x, y]);
    }
    f.addPolyline(points, b.halfWidth, amount * (0.35 + 0.65 * (b.halfWidth / 0.011)), weight);
    if (b.depth >= MAX_DEPTH) continue;
    const i = Math.round(f.col(x));
    const j = Math.round(f.row(y));
    if (i < 0 || j < 0 || i >= f.width || j >= f.height || growMask[j * f.width + i]! < 0.15) continue;
    const spread = rng.range(0.3, 0.6);
    for (const turn of [-spread, spread * rng.range(0.6, 1)]) {
      stack.push({ x, y, angle: angle + turn, length: b.length * rng.range(0.7, 0.85), halfWidth: Math.max(0.0025, b.halfWidth * 0.68), depth: b.depth + 1 });
    }
  }
}
