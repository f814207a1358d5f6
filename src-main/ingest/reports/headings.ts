/**
 * Section headings of radiology reports and their canonical names. A heading is
 * matched case-insensitively and with any run of spaces; the canonical name is
 * what the library stores, so "Conclusion:" and "IMPRESSION" both file under IMPRESSION.
 */

export const CANONICAL_SECTIONS = [
  'INDICATION',
  'COMPARISON',
  'TECHNIQUE',
  'FINDINGS',
  'IMPRESSION',
  'EXAMINATION',
  'RECOMMENDATION',
  'NOTIFICATION',
  'ADDENDUM',
] as const;
export type CanonicalSection = (typeof CANONICAL_SECTIONS)[number];

const ALIASES: Record<CanonicalSection, readonly string[]> = {
  INDICATION: [
    'indication',
    'indications',
    'history',
    'clinical history',
    'medical history',
    'patient history',
    'clinical indication',
    'clinical indications',
    'clinical information',
    'clinical info',
    'clinical details',
    'clinical data',
    'clinical notes',
    'reason for exam',
    'reason for examination',
    'reason for study',
    'reason for request',
  ],
  COMPARISON: ['comparison', 'comparisons', 'comparison study', 'comparison studies', 'prior', 'priors', 'prior study', 'prior studies'],
  TECHNIQUE: ['technique', 'techniques', 'procedure', 'protocol'],
  FINDINGS: ['findings', 'finding', 'report', 'radiographic findings', 'observations'],
  IMPRESSION: ['impression', 'impressions', 'conclusion', 'conclusions', 'summary', 'opinion', 'interpretation', 'diagnosis', 'assessment'],
  EXAMINATION: ['examination', 'exam', 'study', 'type of study', 'type of examination'],
  RECOMMENDATION: ['recommendation', 'recommendations', 'follow-up', 'followup'],
  NOTIFICATION: ['notification', 'communication'],
  ADDENDUM: ['addendum'],
};

const CANONICAL_BY_ALIAS = new Map<string, CanonicalSection>(
  CANONICAL_SECTIONS.flatMap((name) => ALIASES[name].map((alias) => [alias, name] as const)),
);

/** Canonical name for a heading as written ("Clinical  History" -> INDICATION), or null when unknown. */
export function canonicalSection(heading: string): CanonicalSection | null {
  return CANONICAL_BY_ALIAS.get(heading.trim().replace(/\s+/g, ' ').toLowerCase()) ?? null;
}

/** Every alias as a regular-expression alternative, longest first so "clinical history" wins over "history". */
export const HEADING_ALTERNATIVES = [...CANONICAL_BY_ALIAS.keys()]
  .sort((a, b) => b.length - a.length)
  .map((alias) => alias.replace(/[-]/g, '\\-').replace(/ /g, '[ \\t]+'))
  .join('|');
