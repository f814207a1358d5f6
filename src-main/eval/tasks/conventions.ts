/**
 * Published label conventions: the COVID collection's finding / view, CheXpert's
 * uncertainty policies. Each returns the mapping plus a one-line description.
 */
import { AppError } from '../../../src-shared/result';
import type { ValueMapping } from './task';

/** finding collapsed to COVID-19 versus other; 'todo' (not yet diagnosed) and blanks are left out. */
export const covidFinding: { classNames: [string, string]; map: ValueMapping; convention: string } = {
  classNames: ['other', 'COVID-19'],
  map: (value) => {
    const v = value.trim();
    if (v === '' || v.toLowerCase() === 'todo') return null;
    return /^covid-19\b/i.test(v) ? 'COVID-19' : 'other';
  },
  convention: "finding: COVID-19 (incl. 'COVID-19, ARDS') vs every other diagnosis; 'todo' and blank left out",
};

/** view as PA / AP / lateral; 'AP Supine' counts as AP; blanks and '?' are left out. */
export const covidView: { classNames: [string, string, string]; map: ValueMapping; convention: string } = {
  classNames: ['PA', 'AP', 'lateral'],
  map: (value) => {
    const v = value.trim().toUpperCase();
    if (v === 'PA') return 'PA';
    if (v === 'AP' || v === 'AP SUPINE' || v === 'AP ERECT') return 'AP';
    if (v === 'L' || v === 'LL' || v === 'LATERAL' || v === 'RL') return 'lateral';
    return null;
  },
  convention: "view: PA / AP (incl. 'AP Supine') / lateral (L); blank and '?' left out",
};

/** CheXpert's policies for uncertain (-1) labels (Irvin et al. 2019). */
export type UncertaintyPolicy = 'ignore' | 'ones' | 'zeros';

/** The five competition observations the ConVIRT paper evaluates. */
export const CHEXPERT_COMPETITION = ['Atelectasis', 'Cardiomegaly', 'Consolidation', 'Edema', 'Pleural Effusion'] as const;

/**
 * A CheXpert cell to a multi-label target entry: '1' positive, '0' or blank negative
 * (blank = not mentioned, the dataset's convention), '-1' by policy: ignore -> -1
 * (left out of that observation's training and scoring), ones -> 1, zeros -> 0.
 */
export function chexpertTarget(cell: string, policy: UncertaintyPolicy): number {
  const v = cell.trim();
  if (v === '' || Number(v) === 0) return 0;
  if (Number(v) === 1) return 1;
  if (Number(v) === -1) return policy === 'ignore' ? -1 : policy === 'ones' ? 1 : 0;
  throw new AppError('bad_request', `unexpected CheXpert value '${cell}' (expected 1, 0, -1 or blank)`);
}
