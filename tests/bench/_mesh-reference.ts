/**
 * Reference labels for the labeller benchmark: the CheXpert observations an
 * Indiana University report's MeSH terms name, through the committed table
 * tests/fixtures/labeller/mesh-to-chexpert.csv (heading, the qualifiers of
 * which one must be present, observation).
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MeshRule {
  heading: string;
  qualifiers: string[];
  observation: string;
}

export const MESH_TABLE = join(__dirname, '..', 'fixtures', 'labeller', 'mesh-to-chexpert.csv');

export function readMeshTable(file = MESH_TABLE): MeshRule[] {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((r) => ({
    heading: r.mesh_heading!.toLowerCase(),
    qualifiers: (r.qualifiers ?? '').split('|').map((q) => q.trim().toLowerCase()).filter(Boolean),
    observation: r.observation!,
  }));
}

/** "Cardiomegaly/mild;Pleural Effusion/left" -> the observations it names. */
export function meshObservations(mesh: string, table: readonly MeshRule[]): Set<string> {
  const out = new Set<string>();
  for (const term of mesh.split(';')) {
    const [heading = '', ...qualifiers] = term.split('/').map((p) => p.trim().toLowerCase());
    for (const rule of table) {
      if (rule.heading === heading && (rule.qualifiers.length === 0 || rule.qualifiers.some((q) => qualifiers.includes(q)))) out.add(rule.observation);
    }
  }
  return out;
}
