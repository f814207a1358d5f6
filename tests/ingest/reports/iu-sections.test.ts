/**
 * Section parsing measured on the 3,851 real IU X-ray reports: each report is
 * rebuilt as one text with headings (8 layouts x 4 spellings, see iu-rebuild.ts),
 * parsed, and FINDINGS / IMPRESSION compared with the CSV's own columns after
 * white-space normalisation. Threshold: at least 99.5% exact for each.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { parseReport, sectionText } from '../../../src-main/ingest/reports/index';
import { normaliseSpace, rebuildIuReport, type IuRow } from './iu-rebuild';

const CSV = join(__dirname, '../../../../shared/data/iu-xray-reports/indiana_reports.csv');
const THRESHOLD = 0.995;

test('FINDINGS and IMPRESSION of rebuilt IU reports match the CSV columns', { skip: existsSync(CSV) ? false : `${CSV} is absent` }, () => {
  const rows = parse(readFileSync(CSV), { columns: true }) as IuRow[];
  assert.equal(rows.length, 3851);
  const counts = { FINDINGS: { total: 0, exact: 0 }, IMPRESSION: { total: 0, exact: 0 } };
  let spurious = 0;
  let badOffsets = 0;
  rows.forEach((row, index) => {
    const text = rebuildIuReport(row, index);
    const report = parseReport(text);
    for (const [column, name] of [['findings', 'FINDINGS'], ['impression', 'IMPRESSION']] as const) {
      const want = normaliseSpace(row[column]);
      const got = sectionText(report, name);
      if (want === '') {
        if (got) spurious++;
        continue;
      }
      counts[name].total++;
      if (got !== null && normaliseSpace(got) === want) counts[name].exact++;
    }
    for (const s of [...report.sections, ...report.sentences]) if (text.slice(s.start, s.end) !== s.text) badOffsets++;
  });
  const rate = (c: { total: number; exact: number }): number => c.exact / c.total;
  console.log(
    `IU section parsing: FINDINGS ${counts.FINDINGS.exact}/${counts.FINDINGS.total} (${(100 * rate(counts.FINDINGS)).toFixed(2)}%), ` +
      `IMPRESSION ${counts.IMPRESSION.exact}/${counts.IMPRESSION.total} (${(100 * rate(counts.IMPRESSION)).toFixed(2)}%), spurious ${spurious}`,
  );
  assert.equal(counts.FINDINGS.total, 3337);
  assert.equal(counts.IMPRESSION.total, 3820);
  assert.ok(rate(counts.FINDINGS) >= THRESHOLD, `FINDINGS exact rate ${rate(counts.FINDINGS)} < ${THRESHOLD}`);
  assert.ok(rate(counts.IMPRESSION) >= THRESHOLD, `IMPRESSION exact rate ${rate(counts.IMPRESSION)} < ${THRESHOLD}`);
  assert.equal(spurious, 0, 'a FINDINGS or IMPRESSION section was found where the CSV has none');
  assert.equal(badOffsets, 0, 'every section and sentence equals rawText.slice(start, end)');
});
