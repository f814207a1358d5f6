/**
 * Writes real DICOM SR files with Debian dcmtk's xml2dsr (from an XML document in
 * dsr2xml's format) and, for implicit VR, dcmconv. Used by the SR tests.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type SrItem =
  | { type: 'container'; name: string; children: SrItem[] }
  | { type: 'text'; name: string; value: string }
  | { type: 'code'; name: string; meaning: string }
  | { type: 'num'; name: string; value: string; unit: string };

export const SR_CLASSES = {
  basic: { uid: '1.2.840.10008.5.1.4.1.1.88.11', type: 'Basic Text SR', name: 'BasicTextSRStorage' },
  enhanced: { uid: '1.2.840.10008.5.1.4.1.1.88.22', type: 'Enhanced SR', name: 'EnhancedSRStorage' },
  comprehensive: { uid: '1.2.840.10008.5.1.4.1.1.88.33', type: 'Comprehensive SR', name: 'ComprehensiveSRStorage' },
} as const;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (value: string, meaning: string): string =>
  `<value>${esc(value)}</value><scheme><designator>99CONVIRT</designator></scheme><meaning>${esc(meaning)}</meaning>`;

function item(it: SrItem, n: number): string {
  const concept = `<relationship>CONTAINS</relationship><concept>${code(`C${n}`, it.name)}</concept>`;
  switch (it.type) {
    case 'container':
      return `<container flag="SEPARATE">${concept}${it.children.map((c, i) => item(c, n * 10 + i)).join('')}</container>`;
    case 'text':
      return `<text>${concept}<value>${esc(it.value)}</value></text>`;
    case 'code':
      return `<code>${concept}${code(`V${n}`, it.meaning)}</code>`;
    case 'num':
      return `<num>${concept}<value>${esc(it.value)}</value><unit><value>${esc(it.unit)}</value><scheme><designator>UCUM</designator></scheme><meaning>${esc(it.unit)}</meaning></unit></num>`;
  }
}

export interface SrDocument {
  sopClass: keyof typeof SR_CLASSES;
  title: string;
  studyUid: string;
  accession: string;
  patientId: string;
  studyDate: string; // YYYYMMDD
  content: SrItem[];
}

/** Writes `<dir>/<name>.dcm` (explicit VR LE) and returns its path; `implicit` converts it with dcmconv +ti. */
export function writeSr(dir: string, name: string, doc: SrDocument, implicit = false): string {
  const cls = SR_CLASSES[doc.sopClass];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<report type="${cls.type}">
<sopclass uid="${cls.uid}">${cls.name}</sopclass>
<charset>ISO_IR 192</charset>
<modality>SR</modality>
<manufacturer>ConVIRT test</manufacturer>
<patient><id>${esc(doc.patientId)}</id><sex>O</sex></patient>
<study uid="${doc.studyUid}"><date>${doc.studyDate}</date><time>101500</time><accession><number>${esc(doc.accession)}</number></accession></study>
<series uid="${doc.studyUid}.1"><number>1</number></series>
<instance uid="${doc.studyUid}.1.1"><number>1</number></instance>
<document><completion flag="COMPLETE"/><verification flag="UNVERIFIED"/>
<content><date>${doc.studyDate}</date><time>101500</time>
<container flag="SEPARATE"><concept>${code('ROOT', doc.title)}</concept>${doc.content.map((c, i) => item(c, i + 1)).join('')}</container>
</content></document></report>`;
  const xmlPath = join(dir, `${name}.xml`);
  const explicitPath = join(dir, `${name}${implicit ? '-explicit' : ''}.dcm`);
  writeFileSync(xmlPath, xml);
  execFileSync('xml2dsr', ['-q', xmlPath, explicitPath]);
  if (!implicit) return explicitPath;
  const implicitPath = join(dir, `${name}.dcm`);
  execFileSync('dcmconv', ['-q', '+ti', explicitPath, implicitPath]);
  return implicitPath;
}
