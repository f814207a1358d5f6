/**
 * Rebuilds an IU X-ray report (CSV columns) into one text with headings, in one
 * of several heading styles seen in real reports, so the section parser can be
 * measured against the CSV's own columns.
 */
export interface IuRow {
  uid: string;
  indication: string;
  comparison: string;
  findings: string;
  impression: string;
}

type Part = [heading: string, body: string];

/** Wraps text at about 70 columns, as MIMIC-CXR's plain-text reports are. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > 70) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export const HEADING_STYLES: ((parts: Part[]) => string)[] = [
  (parts) => parts.map(([h, b]) => `${h.toUpperCase()}: ${b}`).join('\n'),
  (parts) => parts.map(([h, b]) => `${h}:\n${b}`).join('\n\n'),
  (parts) => parts.map(([h, b]) => `${h.toUpperCase()} - ${b}`).join('\n\n'),
  (parts) => parts.map(([h, b]) => `${h.toUpperCase()}\n${b}`).join('\n\n'),
  (parts) =>
    `                                 FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n\n` +
    parts.map(([h, b]) => (b.length > 60 ? ` ${h.toUpperCase()}:\n \n${wrap(b, ' ')}` : ` ${h.toUpperCase()}:  ${b}`)).join('\n \n'),
  (parts) => parts.map(([h, b]) => `${h.toUpperCase()}: ${b}`).join('  '),
  (parts) => parts.map(([h, b]) => `${h.toLowerCase()}: ${b}`).join('\n'),
  (parts) => parts.map(([h, b]) => `${h} \u2014 ${b}`).join('\n'),
];

/** Headings for INDICATION, COMPARISON, FINDINGS, IMPRESSION: canonical and variant spellings. */
const HEADING_NAMES = [
  ['Indication', 'Comparison', 'Findings', 'Impression'],
  ['Clinical History', 'Comparison', 'Findings', 'Conclusion'],
  ['History', 'Comparison', 'Findings', 'Impression'],
  ['Reason for exam', 'Prior studies', 'Findings', 'Conclusions'],
];

/** The report as one text; empty columns get no heading. Style and names vary with the row. */
export function rebuildIuReport(row: IuRow, index: number): string {
  const names = HEADING_NAMES[Math.floor(index / HEADING_STYLES.length) % HEADING_NAMES.length] ?? [];
  const bodies = [row.indication, row.comparison, row.findings, row.impression];
  const parts: Part[] = bodies.map((b, i): Part => [names[i] ?? '', b.trim()]).filter(([, b]) => b !== '');
  const style = HEADING_STYLES[index % HEADING_STYLES.length];
  if (!style) throw new Error('unreachable: index modulo the number of styles');
  return style(parts);
}

export const normaliseSpace = (s: string): string => s.replace(/\s+/g, ' ').trim();
