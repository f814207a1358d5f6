/**
 * What the report labeller looks for, per CheXpert observation: mention
 * phrases with their synonyms, phrases inside which a mention does not count
 * (a pericardial effusion is not a pleural one), and phrases that state the
 * observation is absent without a negation word ("heart size is normal").
 * Phrases are regular-expression sources matched case-insensitively at word
 * boundaries; they follow the mention lists of the CheXpert labeller
 * (Irvin et al., 2019) and NegBio, adapted to the wording of the Indiana
 * University reports.
 */
import { CHEXPERT_OBSERVATIONS } from '../../src-shared/contract/labels';

export interface ObservationRule {
  name: string;
  mentions: RegExp;
  /** Mentions inside one of these do not count. */
  exclusions: RegExp | null;
  /** Phrases that decide "negative" by themselves. */
  negativePhrases: RegExp | null;
}

export interface RuleSource {
  mentions: readonly string[];
  exclusions?: readonly string[];
  negativePhrases?: readonly string[];
}

const SIZE = '(?:(?:mildly|moderately|severely|markedly|slightly|minimally|stably|again|still|borderline|somewhat) )?';
const NORMAL = '(?:within (?:the )?normal limits|normal|unremarkable|not enlarged|stable and normal|upper limits? of normal)';

/** Observation name -> phrases. "No Finding" has no phrases: it follows from the others (labelReport). */
export const CHEXPERT_RULE_SOURCES: Record<string, RuleSource> = {
  'Enlarged Cardiomediastinum': {
    mentions: [
      'enlarged cardiomediastin\\w*(?: silhouette| contours?)?',
      'cardiomediastinal (?:silhouette|contours?) (?:is |are |appears? )?' + SIZE + '(?:enlarged|widened|prominent)',
      'mediastin\\w* (?:silhouette |contours? )?(?:is |are |appears? )?' + SIZE + '(?:enlarged|widened|widening|prominent|prominence)',
      '(?:widened|widening of the|enlarged|prominent|prominence of the|enlargement of the) (?:upper |superior |right |left )?mediastin\\w*(?: contours?)?',
      'mediastinal (?:widening|enlargement)',
    ],
    negativePhrases: [
      '(?:cardio)?mediastinal (?:silhouette|contours?|structures)[^.;]{0,40}?\\b' + NORMAL,
      'normal (?:cardio)?mediastinal (?:silhouette|contours?)',
      'mediastinum (?:is |appears )?' + NORMAL,
    ],
  },
  Cardiomegaly: {
    mentions: [
      'cardiomegaly',
      'cardiac enlargement',
      'enlarge(?:d|ment of the) (?:heart|cardiac (?:silhouette|shadow|size))',
      '(?:heart|cardiac (?:silhouette|shadow|size)|heart size) (?:is |are |appears |remains )?' + SIZE + '(?:enlarged|increased|large|prominent)',
      'large heart',
      '(?:heart|cardiac silhouette) (?:is |remains )?' + SIZE + '(?:top normal|upper normal) (?:in )?size',
    ],
    negativePhrases: [
      '(?:heart|cardiac) (?:size|silhouette|contours?|shadow)[^.;]{0,40}?\\b' + NORMAL,
      'normal (?:heart|cardiac) (?:size|silhouette|contours?)',
      'heart is (?:normal|not enlarged)(?: in size)?',
      'normal[- ]sized heart',
      'cardiomediastinal (?:silhouette|contours?)[^.;]{0,30}?\\b' + NORMAL,
      'normal cardiomediastinal (?:silhouette|contours?)',
    ],
  },
  'Lung Opacity': {
    mentions: [
      'opacit(?:y|ies)',
      'opacification',
      'densit(?:y|ies)',
      'infiltrat(?:e|es|ion|ive)',
      'air ?space (?:disease|process|opacit(?:y|ies))',
      'haz(?:y|iness)',
      'ground[- ]glass',
      'interstitial (?:markings? (?:are )?(?:prominent|increased)|prominence|pattern|thickening)',
      'reticul(?:ar|onodular) (?:pattern|markings?|opacit(?:y|ies)|changes?)',
    ],
    exclusions: ['(?:bone|bony|soft[- ]tissue|breast|nipple|calcified|calcific) densit(?:y|ies)', 'osseous densit(?:y|ies)'],
  },
  'Lung Lesion': {
    mentions: [
      'nodul(?:e|es|ar opacit(?:y|ies)|ar densit(?:y|ies))',
      'mass(?:es)?',
      '(?:lung|pulmonary|cavitary|parenchymal) lesions?',
      'tumou?r',
      'neoplasm',
      'carcinoma',
      'malignanc(?:y|ies)',
      'cavit(?:y|ation|ary)',
    ],
    exclusions: ['calcified (?:nodul(?:e|es)|granuloma\\w*)', 'nodular calcification', 'soft tissue mass', 'muscle mass', 'bone mass', '(?:thoracic|pleural|abdominal|peritoneal|chest) cavity'],
  },
  Edema: {
    mentions: [
      'o?edema',
      '(?:pulmonary |vascular |venous )congestion',
      'congestive (?:heart )?failure',
      'chf',
      'cephalization',
      'kerley b(?:[- ]lines)?',
      'pulmonary vascular (?:prominence|redistribution)',
    ],
    exclusions: ['soft[- ]tissue o?edema', 'bone marrow o?edema'],
  },
  Consolidation: { mentions: ['consolidat(?:ion|ions|ive|ed)'] },
  Pneumonia: {
    mentions: ['(?:broncho)?pneumonia[s]?', 'pneumonitis', 'infectious (?:process|infiltrate)', 'infection'],
  },
  Atelectasis: {
    mentions: ['atelecta(?:sis|ses|tic)', '(?:lobar|lobe|lung) collapse', 'collapse of the (?:\\w+ ){0,2}(?:lobe|lung)'],
  },
  Pneumothorax: { mentions: ['(?:hydro)?pneumothora(?:x|ces|xes)', 'ptx'] },
  'Pleural Effusion': {
    mentions: [
      'pleural effusions?',
      'effusions?',
      'hydro(?:pneumo)?thorax',
      'pleural fluid',
      'fluid in the (?:\\w+ ){0,2}(?:costophrenic|pleural|fissure)',
      'blunt(?:ing|ed) (?:of )?(?:the )?(?:\\w+ ){0,2}(?:costophrenic|cp) (?:angles?|sulc(?:us|i))',
      '(?:costophrenic|cp) (?:angles?|sulc(?:us|i))[^.;]{0,20}?\\b(?:is |are )?' + SIZE + 'blunt(?:ed|ing)',
    ],
    exclusions: ['pericardial effusions?', 'joint effusions?'],
  },
  'Pleural Other': {
    mentions: [
      'pleural (?:thickening|plaques?|scarring|scar|calcifications?|fibrosis)',
      'thickening of the (?:\\w+ ){0,2}pleura',
      'pleura\\w* (?:\\w+ ){0,2}thickening',
      'fibrothorax',
      'apical (?:pleural )?caps?',
      'pleuroparenchymal (?:scarring|thickening)',
    ],
  },
  Fracture: { mentions: ['fractur(?:e|es|ed)', 'fx'] },
  'Support Devices': {
    mentions: [
      'pacemaker',
      'pacer',
      'defibrillator',
      'aicd',
      'icd',
      '(?:endotracheal|et|nasogastric|ng|og|orogastric|feeding|chest|enteric|tracheostomy|dobhoff|gastrostomy) tubes?',
      'catheters?',
      '(?:picc|central venous|central|venous|arterial|midline|swan[- ]ganz|dialysis) (?:lines?|catheters?)',
      'port[- ]?a[- ]?cath',
      '(?:chest wall |subcutaneous |power )?port',
      'stents?',
      'sternotomy(?: wires?)?',
      'surgical (?:clips?|staples|wires?|hardware)',
      'clips?',
      '(?:orthopedic |spinal |fixation )?hardware',
      'prosthe(?:sis|tic (?:valve|device))',
      '(?:valve|aortic valve|mitral valve) (?:replacement|prosthesis)',
      '(?:pacemaker |pacer |icd )?leads?',
      'devices?',
      'tracheostomy',
      'sutures?(?: material)?',
      '(?:spinal cord |nerve |vagal |neuro)?stimulator',
      'tip (?:projects?|projecting|terminat\\w+|overl\\w+|is in|in the|at the)',
    ],
    exclusions: ['(?:leads? to|leading)', 'no device'],
  },
};

function phraseRegex(phrases: readonly string[] | undefined): RegExp | null {
  if (!phrases || phrases.length === 0) return null;
  return new RegExp(`\\b(?:${phrases.join('|')})\\b`, 'gi');
}

export function compileRule(name: string, source: RuleSource): ObservationRule {
  return { name, mentions: phraseRegex(source.mentions)!, exclusions: phraseRegex(source.exclusions), negativePhrases: phraseRegex(source.negativePhrases) };
}

/** The rules of the 13 CheXpert findings, in the dataset's order (No Finding has none). */
export const CHEXPERT_RULES: readonly ObservationRule[] = CHEXPERT_OBSERVATIONS.filter((o) => o !== 'No Finding').map((o) => compileRule(o, CHEXPERT_RULE_SOURCES[o]!));

/** Everyday names of CheXpert observations, for user schemas that name them another way. */
const ALIASES: Record<string, string> = {
  effusion: 'Pleural Effusion',
  'pleural effusion': 'Pleural Effusion',
  ptx: 'Pneumothorax',
  pneumothorax: 'Pneumothorax',
  'enlarged heart': 'Cardiomegaly',
  cardiomegaly: 'Cardiomegaly',
  opacity: 'Lung Opacity',
  'lung opacity': 'Lung Opacity',
  nodule: 'Lung Lesion',
  'lung lesion': 'Lung Lesion',
  'pulmonary edema': 'Edema',
  edema: 'Edema',
  consolidation: 'Consolidation',
  pneumonia: 'Pneumonia',
  atelectasis: 'Atelectasis',
  fracture: 'Fracture',
  'support devices': 'Support Devices',
  devices: 'Support Devices',
  'pleural other': 'Pleural Other',
  'pleural thickening': 'Pleural Other',
  'enlarged cardiomediastinum': 'Enlarged Cardiomediastinum',
};

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The rule for a label of any schema: a CheXpert observation's rule when the
 * name is one (or an everyday name of one), else the name itself as the
 * mention, singular or plural, spaces or hyphens alike. Null for "No Finding".
 */
export function ruleForLabel(label: string): ObservationRule | null {
  const key = label.trim().toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ');
  const chexpert = CHEXPERT_OBSERVATIONS.find((o) => o.toLowerCase() === key) ?? ALIASES[key];
  if (chexpert === 'No Finding' || key === 'normal') return null;
  if (chexpert) return { ...CHEXPERT_RULES.find((r) => r.name === chexpert)!, name: label };
  const words = key.split(' ').map(escapeRegex).join('[- ]');
  return compileRule(label, { mentions: [`${words}(?:s|es)?`] });
}
