/**
 * Pulmonary vessels: a branching tree from each hilum that tapers and fades
 * towards the periphery. Drawn with the lung weight, so vessels vanish where
 * there is no aerated lung (behind a pneumothorax, under the heart).
 */
import type { Rng } from '../random';
import { type Anatomy, type LungSign } from './anatomy';
import { Field, boxBlur } from './field';

interface Branch {
  x: number;
  y: number;
  angle: number;
  length: number;
  halfWidth: number;
  depth: number;
}

const MAX_DEPTH = 5;

export function drawVesselTree(f: Field, a: Anatomy, sign: LungSign, hx: number, hy: number, weight: Float32Array, rng: Rng, amount = 0.14, growMask: Float32Array = weight): void {
  // Trunks: upward, lateral, lateral-down and downward (angles in y-down image space).
  const outward = sign > 0 ? 0 : Math.PI;
  const trunks = [-Math.PI / 2 + sign * 0.4, outward - sign * 0.55, outward + sign * 0.1, Math.PI / 2 - sign * 0.75, Math.PI / 2 - sign * 0.25];
  const aspect0 = f.width / f.height / 2;
  // Trunks leave the hilum from slightly apart, so they do not pile up into one bright dot.
  const stack: Branch[] = trunks.map((angle) => ({
    x: hx + (Math.cos(angle) * 0.02) / aspect0,
    y: hy + Math.sin(angle) * 0.02,
    angle: angle + rng.range(-0.15, 0.15),
    length: a.thoraxHalf * rng.range(0.1, 0.14),
    halfWidth: 0.011,
    depth: 0,
  }));
  const aspect = f.width / f.height / 2;
  // The tree is drawn into its own layer (strongest line wins), then added through the weight.
  const layer = new Field(f.width, f.height);
  while (stack.length > 0) {
    const b = stack.pop()!;
    const points: [number, number][] = [[b.x, b.y]];
    let { x, y, angle } = b;
    const steps = 4;
    for (let s = 0; s < steps; s++) {
      angle += rng.range(-0.12, 0.12);
      x += (Math.cos(angle) * b.length) / steps / aspect;
      y += (Math.sin(angle) * b.length) / steps;
      points.push([x, y]);
    }
    layer.addPolyline(points, b.halfWidth * 1.4, Math.abs(amount) * (0.2 + 0.8 * (b.halfWidth / 0.011)), undefined, 0, 'max');
    if (b.depth >= MAX_DEPTH) continue;
    const i = Math.round(f.col(x));
    const j = Math.round(f.row(y));
    if (i < 0 || j < 0 || i >= f.width || j >= f.height || growMask[j * f.width + i]! < 0.15) continue;
    const spread = rng.range(0.25, 0.45);
    for (const turn of [-spread, spread * rng.range(0.6, 1)]) {
      stack.push({ x, y, angle: angle + turn, length: b.length * rng.range(0.7, 0.85), halfWidth: Math.max(0.0022, b.halfWidth * 0.66), depth: b.depth + 1 });
    }
  }
  // Vessels are out of the focal plane and move with the heartbeat: soften them a little.
  const soft = boxBlur(layer.data, f.width, f.height, Math.max(1, f.width / 512), 1);
  const direction = Math.sign(amount);
  for (let k = 0; k < soft.length; k++) if (soft[k]! > 0) f.data[k]! += direction * soft[k]! * weight[k]!;
}
