/**
 * What a synthetic study shows: the view(s) taken and the findings present,
 * each with side, zone and severity. The image renderer, the report writer and
 * the labels CSV all read this one description, so they agree by construction.
 */
import type { Rng } from './random';

export const FINDING_KINDS = ['cardiomegaly', 'pleural_effusion', 'pneumothorax', 'consolidation', 'nodule', 'support_devices'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export type Side = 'left' | 'right' | 'bilateral' | 'none';
export type Zone = 'upper' | 'middle' | 'lower' | 'none';
export type Severity = 'mild' | 'moderate' | 'severe';
export type Device = 'endotracheal_tube' | 'central_line' | 'pacemaker' | 'nasogastric_tube';

export interface Finding {
  kind: FindingKind;
  side: Side;
  zone: Zone;
  severity: Severity;
  /** Only for support_devices: which ones. */
  devices?: Device[];
  /** Only for nodule: diameter in millimetres. */
  sizeMm?: number;
}

export type View = 'PA' | 'AP' | 'LL';

export interface StudyPlan {
  /** Views in acquisition order; a PA study usually has a lateral too. */
  views: View[];
  sex: 'F' | 'M';
  age: number;
  findings: Finding[];
  /** Cardiothoracic ratio drawn: ~0.39-0.47 normal, above 0.52 with cardiomegaly. */
  cardiothoracicRatio: number;
}

/** Share of studies with no finding at all (many real studies are normal). */
const NORMAL_SHARE = 0.4;

/** How often each finding appears in an abnormal study (independent draws). */
const PREVALENCE: Record<FindingKind, number> = {
  cardiomegaly: 0.3,
  pleural_effusion: 0.35,
  pneumothorax: 0.15,
  consolidation: 0.3,
  nodule: 0.2,
  support_devices: 0.25,
};

const CTR_BY_SEVERITY: Record<Severity, number> = { mild: 0.54, moderate: 0.6, severe: 0.67 };

function drawSeverity(rng: Rng): Severity {
  return rng.weighted<Severity>([
    ['mild', 0.45],
    ['moderate', 0.35],
    ['severe', 0.2],
  ]);
}

function drawFinding(kind: FindingKind, rng: Rng, portable: boolean): Finding {
  const lateralSide = (): Side => (rng.chance(0.5) ? 'left' : 'right');
  switch (kind) {
    case 'cardiomegaly':
      return { kind, side: 'none', zone: 'none', severity: drawSeverity(rng) };
    case 'pleural_effusion':
      return { kind, side: rng.chance(0.25) ? 'bilateral' : lateralSide(), zone: 'lower', severity: drawSeverity(rng) };
    case 'pneumothorax':
      return { kind, side: lateralSide(), zone: 'upper', severity: drawSeverity(rng) };
    case 'consolidation':
      return { kind, side: lateralSide(), zone: rng.weighted<Zone>([['lower', 0.55], ['middle', 0.25], ['upper', 0.2]]), severity: drawSeverity(rng) };
    case 'nodule': {
      const sizeMm = rng.int(8, 28);
      return { kind, side: lateralSide(), zone: rng.pick<Zone>(['upper', 'middle', 'lower']), severity: sizeMm < 14 ? 'mild' : sizeMm < 21 ? 'moderate' : 'severe', sizeMm };
    }
    case 'support_devices': {
      const all: Device[] = portable ? ['endotracheal_tube', 'central_line', 'nasogastric_tube', 'pacemaker'] : ['central_line', 'pacemaker'];
      const devices = all.filter(() => rng.chance(0.5));
      if (devices.length === 0) devices.push(rng.pick(all));
      return { kind, side: 'none', zone: 'none', severity: 'mild', devices };
    }
  }
}

/** Draws one study's plan; deterministic in the generator. */
export function drawStudyPlan(rng: Rng): StudyPlan {
  const portable = rng.chance(0.3);
  const views: View[] = portable ? ['AP'] : rng.chance(0.8) ? ['PA', 'LL'] : ['PA'];
  const sex = rng.chance(0.5) ? 'F' : 'M';
  const age = rng.int(22, 91);
  const findings: Finding[] = [];
  if (!rng.chance(NORMAL_SHARE)) {
    for (const kind of FINDING_KINDS) {
      if (rng.chance(PREVALENCE[kind] * (kind === 'support_devices' && portable ? 2.5 : 1))) findings.push(drawFinding(kind, rng, portable));
    }
    if (findings.length === 0) findings.push(drawFinding(rng.pick(FINDING_KINDS), rng, portable));
  }
  const enlarged = findings.find((f) => f.kind === 'cardiomegaly');
  const cardiothoracicRatio = enlarged ? CTR_BY_SEVERITY[enlarged.severity] + rng.range(-0.015, 0.015) : rng.range(0.39, 0.47);
  return { views, sex, age, findings, cardiothoracicRatio };
}

export function hasFinding(plan: StudyPlan, kind: FindingKind): Finding | undefined {
  return plan.findings.find((f) => f.kind === kind);
}
