/**
 * `npm run bench -- labeller [--limit N]`: the rule-based report labeller over
 * the Indiana University reports (../shared/data/iu-xray-reports), its
 * agreement per CheXpert observation with the reports' MeSH terms mapped by
 * tests/fixtures/labeller/mesh-to-chexpert.csv. The labeller reads the
 * findings and impression; in precision / recall / f1 / kappa "uncertain"
 * counts as positive (MeSH indexes some hedged findings), in f1_u0 / kappa_u0
 * as negative; the uncertain count is shown. Reports indexed
 * "No Indexing" or with neither findings nor impression are left out.
 * Also the labelling rate, reports per second.
 */
import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHEXPERT_OBSERVATIONS } from '../../src-shared/contract/labels';
import { binaryAgreement } from '../../src-main/labeller/agreement';
import { labelReportText } from '../../src-main/labeller/index';
import { meshObservations, readMeshTable } from './_mesh-reference';
import type { BenchRow } from './main';

export const description = 'report labeller vs IU X-ray MeSH terms: precision, recall, F1, Cohen kappa per CheXpert observation';

const CSV = join(__dirname, '..', '..', '..', 'shared', 'data', 'iu-xray-reports', 'indiana_reports.csv');

function mean(values: readonly (BenchRow[string] | undefined)[]): number | null {
  const numbers = values.filter((x): x is number => typeof x === 'number');
  return numbers.length ? numbers.reduce((s, x) => s + x, 0) / numbers.length : null;
}

export async function run(args: string[]): Promise<BenchRow[]> {
  if (!existsSync(CSV)) throw new Error(`labeller bench: ${CSV} is absent (the shared data folder)`);
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;
  const table = readMeshTable();
  const rows = (parse(readFileSync(CSV, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[]).slice(0, limit);
  const usable = rows.filter((r) => r.MeSH !== 'No Indexing' && ((r.findings ?? '').trim() || (r.impression ?? '').trim()));
  const predicted = new Map<string, boolean[]>(CHEXPERT_OBSERVATIONS.map((o) => [o, []]));
  const positiveOnly = new Map<string, boolean[]>(CHEXPERT_OBSERVATIONS.map((o) => [o, []]));
  const uncertain = new Map<string, number>(CHEXPERT_OBSERVATIONS.map((o) => [o, 0]));
  const reference = new Map<string, boolean[]>(CHEXPERT_OBSERVATIONS.map((o) => [o, []]));
  const started = performance.now();
  for (const row of usable) {
    const text = `FINDINGS: ${row.findings ?? ''}\n\nIMPRESSION: ${row.impression ?? ''}`;
    const byObservation = new Map(labelReportText(text).map((r) => [r.observation, r.value]));
    const mesh = meshObservations(row.MeSH ?? '', table);
    for (const o of CHEXPERT_OBSERVATIONS) {
      const value = byObservation.get(o) ?? null;
      predicted.get(o)!.push(value === 'positive' || value === 'uncertain');
      positiveOnly.get(o)!.push(value === 'positive');
      if (value === 'uncertain') uncertain.set(o, uncertain.get(o)! + 1);
      reference.get(o)!.push(mesh.has(o));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const out: BenchRow[] = CHEXPERT_OBSERVATIONS.map((o) => {
    const a = binaryAgreement(predicted.get(o)!, reference.get(o)!);
    const strict = binaryAgreement(positiveOnly.get(o)!, reference.get(o)!);
    return { observation: o, reports: a.n, mesh_pos: a.tp + a.fn, labeller_pos: a.tp + a.fp, uncertain: uncertain.get(o)!, precision: a.precision, recall: a.recall, f1: a.f1, kappa: a.kappa, f1_u0: strict.f1, kappa_u0: strict.kappa };
  });
  out.push({
    observation: 'macro mean',
    reports: usable.length,
    mesh_pos: null,
    labeller_pos: null,
    uncertain: null,
    precision: null,
    recall: null,
    f1: mean(out.map((r) => r.f1)),
    kappa: mean(out.map((r) => r.kappa)),
    f1_u0: mean(out.map((r) => r.f1_u0)),
    kappa_u0: mean(out.map((r) => r.kappa_u0)),
  });
  out.push({ observation: `rate (reports/s, ${rows.length - usable.length} of ${rows.length} left out)`, reports: usable.length, reports_per_s: usable.length / seconds });
  return out;
}
