// Reports agree with the drawn findings: an independent keyword labeller with
// negation and uncertainty scopes (NegEx-style, written here, not shared with
// the generator) reads FINDINGS and IMPRESSION of many synthetic reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FINDING_KINDS, type FindingKind, drawStudyPlan } from '../../src-main/demo/findings';
import { createRng, deriveSeed } from '../../src-main/demo/random';
import { writeReport } from '../../src-main/demo/report';

type Mention = 'positive' | 'uncertain' | 'negative' | 'absent';

const KEYWORDS: Record<FindingKind, RegExp> = {
  cardiomegaly: /cardiomegaly|(heart|cardiac silhouette) is [a-z]+ly enlarged|enlargement of the cardiac|enlarged heart/i,
  pleural_effusion: /effusion/i,
  pneumothorax: /pneumothorax/i,
  consolidation: /consolidation|pneumonia|airspace/i,
  nodule: /nodul/i,
  support_devices: /endotracheal|ET tube|NG tube|enteric tube|nasogastric|catheter|central line|jugular line|pacemaker|pacer|support devices|lines and tubes|medical devices/i,
};
const NEGATION = /\b(no|without|negative for|free of)\b/i;
const UNCERTAIN = /\b(possible|may (reflect|represent)|cannot (be )?exclude[d]?|cannot be excluded)\b/i;

function label(text: string): Record<FindingKind, Mention> {
  // Reports wrap at ~76 characters: rejoin lines before splitting sentences.
  const findings = text.slice(text.indexOf('FINDINGS:')).replace(/\s*\n\s*/g, ' ');
  const result = Object.fromEntries(FINDING_KINDS.map((k) => [k, 'absent'])) as Record<FindingKind, Mention>;
  const rank: Record<Mention, number> = { absent: 0, negative: 1, uncertain: 2, positive: 3 };
  for (const sentence of findings.split(/[.;]|IMPRESSION:/)) {
    for (const kind of FINDING_KINDS) {
      const match = KEYWORDS[kind].exec(sentence);
      if (!match) continue;
      const before = sentence.slice(0, match.index);
      const mention: Mention = NEGATION.test(before) ? 'negative' : UNCERTAIN.test(sentence) ? 'uncertain' : 'positive';
      if (rank[mention] > rank[result[kind]]) result[kind] = mention;
    }
  }
  return result;
}

const STUDIES = 400;
const studies = Array.from({ length: STUDIES }, (_, i) => {
  const rng = createRng(deriveSeed(31, i, 15));
  const plan = drawStudyPlan(rng);
  return { plan, report: writeReport(plan, rng) };
});

describe('synthetic reports', () => {
  it('state every drawn finding, hedge only the ones marked uncertain, and never affirm an absent one', () => {
    let negated = 0;
    for (const { plan, report } of studies) {
      const labels = label(report.text);
      for (const kind of FINDING_KINDS) {
        const present = plan.findings.some((f) => f.kind === kind);
        const context = `${kind} in:\n${report.text}`;
        if (!present) {
          assert.ok(labels[kind] === 'absent' || labels[kind] === 'negative', `absent ${context}`);
          if (labels[kind] === 'negative') negated++;
        } else if (report.uncertain.includes(kind)) {
          assert.equal(labels[kind], 'uncertain', `hedged ${context}`);
        } else {
          assert.equal(labels[kind], 'positive', `present ${context}`);
        }
      }
    }
    assert.ok(negated > STUDIES, `negations are common (${negated} negated mentions in ${STUDIES} reports)`);
  });

  it('mix normal and abnormal studies, with several findings co-occurring', () => {
    const normal = studies.filter((s) => s.plan.findings.length === 0).length;
    const multiple = studies.filter((s) => s.plan.findings.length >= 2).length;
    assert.ok(normal > STUDIES * 0.3 && normal < STUDIES * 0.5, `${normal} normal studies`);
    assert.ok(multiple > STUDIES * 0.1, `${multiple} studies with two or more findings`);
    for (const kind of FINDING_KINDS) assert.ok(studies.filter((s) => s.plan.findings.some((f) => f.kind === kind)).length >= 20, `${kind} is common enough to learn`);
  });

  it('vary their wording: same findings, different text, and never the label names', () => {
    const byLabels = new Map<string, Set<string>>();
    for (const { plan, report } of studies) {
      const key = plan.findings.map((f) => f.kind).sort().join(',');
      const texts = byLabels.get(key) ?? new Set<string>();
      texts.add(`${report.findings}|${report.impression}`);
      byLabels.set(key, texts);
      assert.doesNotMatch(report.text, /pleural_effusion|support_devices|no_finding/);
    }
    const normal = studies.filter((s) => s.plan.findings.length === 0).length;
    assert.ok(byLabels.get('')!.size > normal * 0.8, `${byLabels.get('')!.size} distinct texts for ${normal} normal studies`);
    const report = studies[0]!.report.text;
    assert.match(report, /FINDINGS:/);
    assert.match(report, /IMPRESSION:/);
    assert.ok(report.indexOf('FINDINGS:') < report.indexOf('IMPRESSION:'));
  });
});

it('deriveSeed: different seeds give different streams for every index (no seed ^ index aliasing)', () => {
  const seen = new Map<number, string>();
  for (let seed = 0; seed < 64; seed++) {
    for (let index = 0; index < 64; index++) {
      const h = deriveSeed(seed, index, 15);
      assert.equal(seen.get(h), undefined, `seed ${seed} index ${index} repeats ${seen.get(h)}`);
      seen.set(h, `seed ${seed} index ${index}`);
    }
  }
});
