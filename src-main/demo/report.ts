/**
 * Free-text reports for synthetic studies, in the MIMIC-CXR style: header
 * lines, FINDINGS and IMPRESSION. Sentences come from varied templates with
 * synonyms, negations of absent findings, hedges for subtle ones, normal
 * statements and clinical noise, so text and image agree on the findings
 * without ever repeating the labels word for word.
 */
import type { Device, Finding, FindingKind, Side, StudyPlan, Zone } from './findings';
import { FINDING_KINDS } from './findings';
import type { Rng } from './random';

export interface SyntheticReport {
  text: string;
  findings: string;
  impression: string;
  /** Findings the text states with a hedge ("possible", "cannot exclude"). */
  uncertain: FindingKind[];
}

const sideWord = (rng: Rng, side: Side): string =>
  side === 'bilateral' ? rng.pick(['bilateral', 'bilateral', 'right and left']) : side === 'left' ? 'left' : side === 'right' ? 'right' : '';

function zoneWord(rng: Rng, zone: Zone, side: Side): string {
  if (zone === 'upper') return rng.pick(['upper lobe', 'upper lung', 'apical']);
  if (zone === 'middle') return side === 'right' ? rng.pick(['middle lobe', 'mid lung']) : rng.pick(['lingular', 'mid lung']);
  return rng.pick(['lower lobe', 'basilar', 'lung base']);
}

const SIZE_WORDS = {
  pleural_effusion: { mild: ['small', 'trace', 'small'], moderate: ['moderate', 'moderate-sized'], severe: ['large', 'large'] },
  pneumothorax: { mild: ['small', 'tiny', 'small apical'], moderate: ['moderate', 'moderate-sized'], severe: ['large', 'large'] },
  consolidation: { mild: ['patchy', 'subtle', 'focal'], moderate: ['moderate', 'confluent'], severe: ['dense', 'extensive'] },
  cardiomegaly: { mild: ['mild', 'mildly'], moderate: ['moderate', 'moderately'], severe: ['severe', 'markedly'] },
} as const;

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function deviceSentence(rng: Rng, device: Device): string {
  switch (device) {
    case 'endotracheal_tube':
      return rng.pick([
        `Endotracheal tube terminates ${rng.int(3, 6)} cm above the carina.`,
        `The ET tube is in standard position, about ${rng.int(3, 6)} cm above the carina.`,
        'Endotracheal tube tip is at the level of the clavicles.',
      ]);
    case 'central_line':
      return rng.pick([
        'Central venous catheter tip projects over the SVC.',
        'A right internal jugular line ends in the lower SVC.',
        'Left subclavian central line with tip in the superior vena cava.',
      ]);
    case 'pacemaker':
      return rng.pick([
        'Left-sided pacemaker with leads in the right atrium and right ventricle.',
        'A dual-lead pacer device overlies the left chest; leads are in expected position.',
        'Cardiac pacemaker generator in the left upper chest, leads unchanged in position.',
      ]);
    case 'nasogastric_tube':
      return rng.pick([
        'Nasogastric tube courses below the diaphragm into the stomach.',
        'An enteric tube passes into the stomach, tip out of view.',
        'The NG tube tip lies in the stomach.',
      ]);
  }
}

/** One sentence stating a present finding; hedged for some subtle ones. */
function positiveSentence(rng: Rng, f: Finding, hedge: boolean): string {
  const side = sideWord(rng, f.side);
  switch (f.kind) {
    case 'cardiomegaly': {
      const w = rng.pick(SIZE_WORDS.cardiomegaly[f.severity]);
      return rng.pick([
        `The heart is ${w.endsWith('ly') ? w : `${w}ly`} enlarged.`,
        `${capitalise(w.replace(/ly$/, ''))} cardiomegaly.`,
        `There is ${w.replace(/ly$/, '')} enlargement of the cardiac silhouette.`,
        `Cardiac silhouette is ${w.endsWith('ly') ? w : `${w}ly`} enlarged.`,
      ]);
    }
    case 'pleural_effusion': {
      const size = rng.pick(SIZE_WORDS.pleural_effusion[f.severity]);
      const noun = f.side === 'bilateral' ? rng.pick(['pleural effusions', 'effusions']) : rng.pick(['pleural effusion', 'effusion']);
      if (hedge) return rng.pick([`Possible ${size} ${side} ${noun}.`, `Blunting of the ${side} costophrenic angle may reflect a ${size} effusion.`]);
      return rng.pick([
        `There is a ${size} ${side} ${noun}.`,
        `${capitalise(size)} ${side} ${noun} with blunting of the costophrenic angle.`,
        `${capitalise(side)} ${noun}, ${size} in size, with a meniscus laterally.`,
      ]);
    }
    case 'pneumothorax': {
      const size = rng.pick(SIZE_WORDS.pneumothorax[f.severity]);
      if (hedge) return rng.pick([`Cannot exclude a ${size} ${side} apical pneumothorax.`, `A faint line at the ${side} apex may represent a ${size} pneumothorax.`]);
      return rng.pick([
        `There is a ${size} ${side} pneumothorax.`,
        `${capitalise(size)} ${side}-sided pneumothorax with a visible pleural line.`,
        `${capitalise(side)} pneumothorax is present, ${size} in extent.`,
      ]);
    }
    case 'consolidation': {
      const w = rng.pick(SIZE_WORDS.consolidation[f.severity]);
      const where = `${side} ${zoneWord(rng, f.zone, f.side)}`;
      if (hedge) return rng.pick([`Subtle opacity in the ${where} region; early pneumonia cannot be excluded.`, `Possible ${w} consolidation in the ${where} region.`]);
      return rng.pick([
        `${capitalise(w)} consolidation in the ${where} region.`,
        `There is ${w} airspace consolidation at the ${where} zone${f.severity === 'severe' ? ' with air bronchograms' : ''}.`,
        `${capitalise(w)} ${where} airspace opacity, compatible with consolidation.`,
      ]);
    }
    case 'nodule': {
      const where = `${side} ${zoneWord(rng, f.zone, f.side)}`;
      const size = f.sizeMm ?? 12;
      return rng.pick([
        `A ${size} mm nodule projects over the ${where} zone.`,
        `There is a ${(size / 10).toFixed(1)} cm rounded nodular opacity in the ${where} region.`,
        `${capitalise(where)} pulmonary nodule measuring approximately ${size} mm.`,
      ]);
    }
    case 'support_devices':
      return (f.devices ?? []).map((d) => deviceSentence(rng, d)).join(' ');
  }
}

/** Negations of absent findings: only ever about findings the study does not have. */
function negations(rng: Rng, absent: Set<FindingKind>): string[] {
  const out: string[] = [];
  const allLungClear = absent.has('consolidation') && absent.has('nodule') && absent.has('pleural_effusion') && absent.has('pneumothorax');
  if (allLungClear && rng.chance(0.6)) out.push(rng.pick(['The lungs are clear.', 'Lungs are well expanded and clear.', 'Clear lungs bilaterally.']));
  if (absent.has('pleural_effusion') && absent.has('pneumothorax') && rng.chance(0.7)) {
    out.push(rng.pick(['No pleural effusion or pneumothorax.', 'There is no effusion or pneumothorax.', 'No pneumothorax or pleural effusion is seen.']));
  } else {
    if (absent.has('pleural_effusion') && rng.chance(0.6)) out.push(rng.pick(['No pleural effusion.', 'There is no pleural effusion.', 'Costophrenic angles are sharp without effusion.']));
    if (absent.has('pneumothorax') && rng.chance(0.6)) out.push(rng.pick(['No pneumothorax.', 'There is no pneumothorax.', 'No evidence of pneumothorax.']));
  }
  if (absent.has('consolidation') && rng.chance(0.6)) out.push(rng.pick(['No focal consolidation.', 'There is no focal consolidation to suggest pneumonia.', 'No consolidation is identified.']));
  if (absent.has('cardiomegaly') && rng.chance(0.7)) out.push(rng.pick(['Heart size is normal.', 'The cardiac silhouette is within normal limits.', 'Normal heart size.', 'No cardiomegaly.']));
  if (absent.has('nodule') && rng.chance(0.2)) out.push(rng.pick(['No suspicious pulmonary nodule.', 'No nodules are identified.']));
  return out;
}

const NORMAL_SENTENCES = [
  'The mediastinal and hilar contours are unremarkable.',
  'Mediastinal contours are normal.',
  'No acute osseous abnormality.',
  'Osseous structures are intact.',
  'Degenerative changes of the thoracic spine.',
  'The visualized upper abdomen is unremarkable.',
  'Pulmonary vasculature is not engorged.',
] as const;

const IMPRESSION_NORMAL = ['No acute cardiopulmonary process.', 'No acute intrathoracic abnormality.', 'Normal chest radiograph.', 'No evidence of acute disease.'] as const;

function impressionSentence(rng: Rng, f: Finding, hedge: boolean): string {
  const side = sideWord(rng, f.side);
  switch (f.kind) {
    case 'cardiomegaly':
      return rng.pick(['Cardiomegaly.', 'Enlarged heart.', `${capitalise(rng.pick(SIZE_WORDS.cardiomegaly[f.severity]).replace(/ly$/, ''))} cardiomegaly without edema.`]);
    case 'pleural_effusion':
      return hedge ? `Possible ${side} pleural effusion.` : rng.pick([`${capitalise(side)} pleural effusion.`, `${capitalise(rng.pick(SIZE_WORDS.pleural_effusion[f.severity]))} ${side} effusion.`]);
    case 'pneumothorax':
      return hedge ? `Possible small ${side} pneumothorax; a repeat film is suggested.` : rng.pick([`${capitalise(side)} pneumothorax.`, `${capitalise(rng.pick(SIZE_WORDS.pneumothorax[f.severity]))} ${side} pneumothorax, findings discussed with the referring team.`]);
    case 'consolidation':
      return hedge ? `Cannot exclude early ${side} pneumonia.` : rng.pick([`${capitalise(side)} ${zoneWord(rng, f.zone, f.side)} consolidation, concerning for pneumonia.`, `Pneumonia in the ${side} ${zoneWord(rng, f.zone, f.side)} region.`]);
    case 'nodule':
      return rng.pick([`${capitalise(side)} pulmonary nodule; CT recommended for further evaluation.`, `Nodule in the ${side} lung, ${f.sizeMm ?? 12} mm.`]);
    case 'support_devices':
      return rng.pick(['Support devices in standard position.', 'Lines and tubes as described.', 'Medical devices in expected position.']);
  }
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Wraps at about 76 characters like the exported MIMIC-CXR text files. */
function wrap(text: string, width = 76): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ` ${l}`).join('\n');
}

export function writeReport(plan: StudyPlan, rng: Rng): SyntheticReport {
  const absent = new Set<FindingKind>(FINDING_KINDS.filter((k) => !plan.findings.some((f) => f.kind === k)));
  const hedged = new Set<FindingKind>(plan.findings.filter((f) => f.severity === 'mild' && f.kind !== 'support_devices' && f.kind !== 'nodule' && f.kind !== 'cardiomegaly' && rng.chance(0.3)).map((f) => f.kind));
  const ordered = shuffle(rng, plan.findings);
  const sentences = [...ordered.map((f) => positiveSentence(rng, f, hedged.has(f.kind))), ...negations(rng, absent)];
  const normals = NORMAL_SENTENCES.filter(() => rng.chance(0.25));
  const findingsText = [...sentences, ...normals].join(rng.pick([' ', ' ', '  ']));
  const abnormal = ordered.filter((f) => f.kind !== 'support_devices' || ordered.length === 1);
  const impressionParts = abnormal.length === 0 ? [rng.pick(IMPRESSION_NORMAL)] : abnormal.map((f) => impressionSentence(rng, f, hedged.has(f.kind)));
  const impression = impressionParts.length > 1 && rng.chance(0.6) ? impressionParts.map((s, i) => `${i + 1}. ${s}`).join('\n ') : impressionParts.join(' ');
  const views = plan.views.length > 1 ? rng.pick(['PA and lateral views of the chest.', 'Chest PA and lateral.', 'Two views of the chest.']) : plan.views[0] === 'AP' ? rng.pick(['Portable AP chest radiograph.', 'Single portable view of the chest.', 'AP upright view of the chest.']) : 'Single PA view of the chest.';
  const examination = plan.views.length > 1 ? 'CHEST (PA AND LAT)' : plan.views[0] === 'AP' ? 'CHEST (PORTABLE AP)' : 'CHEST (PA)';
  const who = plan.sex === 'F' ? rng.pick(['woman', 'female']) : rng.pick(['man', 'male']);
  const indication = rng.pick([`___ year old ${who} with cough.`, `___ year old ${who} with shortness of breath.`, `History: ___ with fever, evaluate for pneumonia.`, `${capitalise(who)} with chest pain.`, `Follow-up.`, `___ year old ${who} status post line placement.`]);
  const comparison = rng.pick(['None.', '___.', 'Chest radiographs from ___.', 'Prior study of ___ is available for comparison.']);
  const text = [
    '                                 FINAL REPORT',
    ` EXAMINATION:  ${examination}`,
    '',
    ` INDICATION:  ${indication}`,
    '',
    ` TECHNIQUE:  ${views}`,
    '',
    ` COMPARISON:  ${comparison}`,
    '',
    ' FINDINGS: ',
    ' ',
    wrap(findingsText),
    ' ',
    ' IMPRESSION: ',
    ' ',
    ` ${impression}`,
    '',
  ].join('\n');
  return { text, findings: findingsText, impression, uncertain: [...hedged] };
}
