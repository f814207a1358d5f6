/**
 * A float image (row-major, width x height) in normalised coordinates: x runs
 * from -1 (image left) to +1 (image right), y from 0 (top) to 1 (bottom). The
 * drawing primitives add attenuation; they never allocate per pixel.
 */
export class Field {
  readonly data: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Float32Array(width * height);
  }

  /** Normalised x of pixel column i (pixel centres). */
  nx(i: number): number {
    return ((i + 0.5) / this.width) * 2 - 1;
  }

  /** Normalised y of pixel row j. */
  ny(j: number): number {
    return (j + 0.5) / this.height;
  }

  col(x: number): number {
    return ((x + 1) / 2) * this.width - 0.5;
  }

  row(y: number): number {
    return y * this.height - 0.5;
  }

  /** Calls fn(x, y, index) for every pixel inside the normalised box. */
  forBox(x0: number, y0: number, x1: number, y1: number, fn: (x: number, y: number, index: number) => void): void {
    const i0 = Math.max(0, Math.floor(this.col(Math.min(x0, x1))));
    const i1 = Math.min(this.width - 1, Math.ceil(this.col(Math.max(x0, x1))));
    const j0 = Math.max(0, Math.floor(this.row(Math.min(y0, y1))));
    const j1 = Math.min(this.height - 1, Math.ceil(this.row(Math.max(y0, y1))));
    for (let j = j0; j <= j1; j++) {
      const y = this.ny(j);
      for (let i = i0; i <= i1; i++) fn(this.nx(i), y, j * this.width + i);
    }
  }

  /**
   * Adds a tube along a polyline: `amount` at the centre line falling off as a
   * cylinder chord (sqrt(1 - d^2)) to zero at `halfWidth` (in y units, so a line
   * looks equally thick in both directions on a square image). `weight`, when
   * given, scales the contribution per pixel (e.g. a lung mask). Mode 'max'
   * keeps the strongest of overlapping lines instead of adding (a vessel tree
   * drawn into its own layer has no bright beads where branches meet).
   */
  addPolyline(points: readonly (readonly [number, number])[], halfWidth: number, amount: number, weight?: Float32Array, rim = 0, mode: 'add' | 'max' = 'add'): void {
    const aspect = this.width / this.height / 2; // converts x units to y units
    // Per-pixel strongest stamp of this polyline, so joints do not double up.
    const stamp = mode === 'add' ? (this.stamp ??= new Float32Array(this.data.length)) : new Float32Array(0);
    const touched: number[] = [];
    for (let s = 0; s + 1 < points.length; s++) {
      const [ax, ay] = points[s]!;
      const [bx, by] = points[s + 1]!;
      const dx = (bx - ax) * aspect;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy || 1e-12;
      const pad = halfWidth / aspect;
      this.forBox(Math.min(ax, bx) - pad, Math.min(ay, by) - halfWidth, Math.max(ax, bx) + pad, Math.max(ay, by) + halfWidth, (x, y, k) => {
        const px = (x - ax) * aspect;
        const py = y - ay;
        const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
        const ex = px - t * dx;
        const ey = py - t * dy;
        const d2 = (ex * ex + ey * ey) / (halfWidth * halfWidth);
        if (d2 >= 1) return;
        // rim > 0 brightens the edges: a hollow tube (cortical bone, catheter wall).
        const profile = Math.sqrt(1 - d2) * (1 - rim) + rim * d2 * d2;
        const v = Math.abs(amount * profile * (weight ? weight[k]! : 1));
        if (mode === 'max') {
          if (v > this.data[k]!) this.data[k] = v;
          return;
        }
        const prev = stamp[k]!;
        if (v <= prev) return;
        if (prev === 0) touched.push(k);
        this.data[k]! += Math.sign(amount) * (v - prev);
        stamp[k] = v;
      });
    }
    for (const k of touched) stamp[k] = 0;
  }

  private stamp: Float32Array | undefined;

  /** Adds a soft disc (sphere chord profile) of radius r (y units). */
  addDisc(cx: number, cy: number, r: number, amount: number, weight?: Float32Array): void {
    const aspect = this.width / this.height / 2;
    this.forBox(cx - r / aspect, cy - r, cx + r / aspect, cy + r, (x, y, k) => {
      const dx = (x - cx) * aspect;
      const dy = y - cy;
      const d2 = (dx * dx + dy * dy) / (r * r);
      if (d2 < 1) this.data[k]! += amount * Math.sqrt(1 - d2) * (weight ? weight[k]! : 1);
    });
  }
}

/** Separable box blur, radius in pixels, repeated `passes` times (3 passes ~ Gaussian). */
export function boxBlur(src: Float32Array, width: number, height: number, radius: number, passes = 2): Float32Array {
  let a = Float32Array.from(src);
  let b = new Float32Array(src.length);
  const r = Math.max(1, Math.round(radius));
  for (let p = 0; p < passes; p++) {
    for (let j = 0; j < height; j++) blurLine(a, b, j * width, 1, width, r);
    for (let i = 0; i < width; i++) blurLine(b, a, i, width, height, r);
  }
  b = a;
  return b;
}

function blurLine(src: Float32Array, dst: Float32Array, start: number, stride: number, n: number, r: number): void {
  let sum = 0;
  const at = (i: number) => src[start + Math.min(n - 1, Math.max(0, i)) * stride]!;
  for (let i = -r; i <= r; i++) sum += at(i);
  const norm = 1 / (2 * r + 1);
  for (let i = 0; i < n; i++) {
    dst[start + i * stride] = sum * norm;
    sum += at(i + r + 1) - at(i - r);
  }
}

/**
 * Smooth value noise on a coarse lattice (cells of `cell` pixels), bicubic
 * smoothstep-interpolated: the parenchymal texture and irregular edges.
 */
export function valueNoise(width: number, height: number, cell: number, rand: () => number): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let k = 0; k < grid.length; k++) grid[k] = rand() * 2 - 1;
  const out = new Float32Array(width * height);
  for (let j = 0; j < height; j++) {
    const gy = j / cell;
    const y0 = Math.floor(gy);
    const ty = (gy - y0) * (gy - y0) * (3 - 2 * (gy - y0));
    for (let i = 0; i < width; i++) {
      const gx = i / cell;
      const x0 = Math.floor(gx);
      const tx = (gx - x0) * (gx - x0) * (3 - 2 * (gx - x0));
      const g = y0 * gw + x0;
      const top = grid[g]! * (1 - tx) + grid[g + 1]! * tx;
      const bottom = grid[g + gw]! * (1 - tx) + grid[g + gw + 1]! * tx;
      out[j * width + i] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

export const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};
