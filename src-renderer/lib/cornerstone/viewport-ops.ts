/**
 * Viewport operations on an enabled cornerstone element: each reads the
 * viewport, changes one thing and sets it back (cornerstone redraws).
 */
import * as cornerstone from 'cornerstone-core';
import type { WindowLevel } from './windowing';

function update(element: HTMLElement, change: (v: cornerstone.Viewport) => Partial<cornerstone.Viewport>): void {
  const viewport = cornerstone.getViewport(element);
  if (viewport) cornerstone.setViewport(element, change(viewport));
}

export function setWindow(element: HTMLElement, w: WindowLevel): void {
  update(element, () => ({ voi: { windowCenter: w.center, windowWidth: Math.max(1, w.width) } }));
}

export function currentWindow(element: HTMLElement): WindowLevel | null {
  const v = cornerstone.getViewport(element);
  return v ? { center: v.voi.windowCenter, width: v.voi.windowWidth } : null;
}

export function toggleInvert(element: HTMLElement): void {
  update(element, (v) => ({ invert: !v.invert }));
}

/** Quarter turns clockwise. */
export function rotate(element: HTMLElement, quarterTurns = 1): void {
  update(element, (v) => ({ rotation: (((v.rotation + 90 * quarterTurns) % 360) + 360) % 360 }));
}

export function flip(element: HTMLElement, axis: 'horizontal' | 'vertical'): void {
  update(element, (v) => (axis === 'horizontal' ? { hflip: !v.hflip } : { vflip: !v.vflip }));
}

/** Multiplies the scale, within 1/20 .. 40 of the image's pixels. */
export function zoomBy(element: HTMLElement, factor: number): void {
  update(element, (v) => ({ scale: Math.min(40, Math.max(0.05, v.scale * factor)) }));
}

/** Moves the image by a screen offset in CSS pixels (undoing rotation and flips, so the image follows the mouse). */
export function panBy(element: HTMLElement, dx: number, dy: number): void {
  update(element, (v) => {
    const radians = (-v.rotation * Math.PI) / 180;
    let x = (dx * Math.cos(radians) - dy * Math.sin(radians)) / v.scale;
    let y = (dx * Math.sin(radians) + dy * Math.cos(radians)) / v.scale;
    if (v.hflip) x = -x;
    if (v.vflip) y = -y;
    return { translation: { x: v.translation.x + x, y: v.translation.y + y } };
  });
}

export function fit(element: HTMLElement): void {
  cornerstone.fitToWindow(element);
  update(element, () => ({ translation: { x: 0, y: 0 } }));
}

/** Back to the image's defaults: fitted, its own window, MONOCHROME1 inverted, no rotation or flip. */
export function resetView(element: HTMLElement): void {
  cornerstone.reset(element);
}

/**
 * The viewport for `full` that shows exactly what the viewport shows of
 * `preview` (the same frame at fewer pixels): the same window, polarity,
 * rotation and flips; scale and translation converted, since cornerstone
 * keeps both in image pixels.
 */
export function viewportForFullResolution(element: HTMLElement, preview: cornerstone.Image, full: cornerstone.Image): cornerstone.Viewport {
  const shown = cornerstone.getViewport(element);
  const base = cornerstone.getDefaultViewportForImage(element, full);
  if (!shown) return base;
  const ratio = full.width / preview.width; // full pixels per preview pixel
  return {
    ...base,
    scale: shown.scale / ratio,
    translation: { x: shown.translation.x * ratio, y: shown.translation.y * ratio },
    voi: { ...shown.voi },
    invert: shown.invert,
    rotation: shown.rotation,
    hflip: shown.hflip,
    vflip: shown.vflip,
  };
}
