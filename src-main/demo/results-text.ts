/** The demo's results as the terminal shows them: the paper-shaped summary, per-finding AUCs and search precision. */
import { formatTable } from '../cli/output';
import { fractionLabel } from '../eval/report/results-table';
import { macroAuc, type DemoExperimentResult } from './experiment';

const pm = (mean: number, std: number) => `${mean.toFixed(3)} ± ${std.toFixed(3)}`;

export function demoResultsText(result: DemoExperimentResult): string {
  const macro = macroAuc(result.rows);
  const fractions = [...new Set(macro.map((c) => c.fraction))].sort((a, b) => a - b);
  const encoders = [...new Set(macro.map((c) => c.encoder))];
  const summary = formatTable(
    ['encoder', ...fractions.map((f) => `AUC ${fractionLabel(f)}`)],
    encoders.map((e) => [e, ...fractions.map((f) => {
      const cell = macro.find((c) => c.encoder === e && c.fraction === f)!;
      return pm(cell.mean, cell.std);
    })]),
  );
  const tasks = [...new Set(result.rows.map((r) => r.task))];
  const perFinding = formatTable(
    ['finding', ...encoders.flatMap((e) => fractions.map((f) => `${e} ${fractionLabel(f)}`))],
    tasks.map((t) => [t, ...encoders.flatMap((e) => fractions.map((f) => result.rows.find((r) => r.task === t && r.encoder === e && r.fraction === f)!.mean.toFixed(3)))]),
    24,
  );
  const search = formatTable(
    ['finding', 'queries: P@10 each', 'mean P@10', 'chance'],
    result.search.map((s) => [s.finding, s.queries.map((q, i) => `"${q}" ${s.perQuery[i]!.toFixed(1)}`).join(', '), s.precisionAt10.toFixed(2), s.prevalence.toFixed(2)]),
    140,
  );
  const run = (name: string, r: DemoExperimentResult['convirt']) =>
    `${name}: run ${r.runId}, ${r.epochs} epochs, ${r.steps} steps in ${r.seconds.toFixed(0)} s, best validation loss ${r.bestValLoss?.toFixed(3) ?? '-'}`;
  return [
    '',
    run('ConVIRT', result.convirt),
    run('SimCLR (image only)', result.simclr),
    result.evaluationSet
      ? `Evaluated on ${result.evaluationSet.studies} studies of other patients (${result.evaluationSet.images} images), imported after pretraining.`
      : 'Evaluated on the library the encoders were pretrained on.',
    '',
    'Linear probe, AUC averaged over the findings (mean ± std over seeds):',
    summary,
    '',
    'Per finding (mean AUC over seeds):',
    perFinding,
    '',
    'Text-to-image search with the ConVIRT encoder over the evaluation studies (share of the top 10 with the finding):',
    search,
    '',
    `protocol: ${result.protocol}`,
    `files: ${result.files.length} JSON / CSV / SVG files in ${result.files[0] ? result.files[0].replace(/[/\\][^/\\]*$/, '') : '-'}`,
    '',
  ].join('\n');
}
