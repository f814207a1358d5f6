/**
 * Renders one view of a planned study as a 12-bit radiograph. Anatomy,
 * texture, findings and noise draw from separate seeded streams, so the same
 * patient can be rendered with and without a finding (the tests rely on it).
 */
import { createRng, deriveSeed } from '../random';
import type { StudyPlan, View } from '../findings';
import { type Anatomy, drawAnatomy } from './anatomy';
import { exposeAndProcess } from './detector';
import { Field } from './field';
import { renderFrontal } from './frontal';
import { renderLateral } from './lateral';

export interface RenderedView {
  view: View;
  width: number;
  height: number;
  /** MONOCHROME2 values in 0..4095, row-major, length width*height. */
  pixels: Uint16Array;
  /** Millimetres per pixel at the detector. */
  pixelSpacingMm: number;
  anatomy: Anatomy;
}

export interface RenderOptions {
  width: number;
  height: number;
}

const VIEW_SALT: Record<View, number> = { PA: 1, AP: 2, LL: 3 };

/** Same `patientSeed` = same anatomy; `plan.findings` decides what is drawn on it. */
export function renderView(plan: StudyPlan, view: View, patientSeed: number, options: RenderOptions): RenderedView {
  const anatomyRng = createRng(deriveSeed(patientSeed, 0, 1));
  const findingRng = createRng(deriveSeed(patientSeed, VIEW_SALT[view], 2));
  const noiseRng = createRng(deriveSeed(patientSeed, VIEW_SALT[view], 3));
  const anatomy = drawAnatomy(anatomyRng, view, plan.sex, plan.cardiothoracicRatio);
  const field = new Field(options.width, options.height);
  if (view === 'LL') renderLateral(field, plan, anatomy, anatomyRng, findingRng);
  else renderFrontal(field, plan, anatomy, anatomyRng, findingRng);
  return {
    view,
    width: options.width,
    height: options.height,
    pixels: exposeAndProcess(field.data, options.width, options.height, noiseRng),
    pixelSpacingMm: anatomy.fieldMm / options.height,
    anatomy,
  };
}
