/**
 * One suggestion chip per label: the report labeller's and other suggesters'
 * (zero-shot scores) proposals for a label merged into the value the chip
 * offers, which sources propose it, the best score among them, and the
 * sources that propose something else. Pure.
 */
import type { PanelSuggestion } from '../../lib/state/panel-suggestion';

export interface SuggestionChipModel {
  label: string;
  /** What accepting the chip sets: the first suggestion's value (stored report suggestions come first). */
  value: string;
  /** The sources that propose `value`, in the order they came. */
  origins: string[];
  /** The highest score a source gave for `value` (0..1), or null when none gives one. */
  score: number | null;
  /** The deciding report sentence, when a source has one. */
  evidence: PanelSuggestion['evidence'];
  /** Sources that propose another value: shown, not accepted. */
  disagreeing: { origin: string; value: string; score: number | null }[];
}

export function chipFor(label: string, suggestions: readonly PanelSuggestion[]): SuggestionChipModel | null {
  const first = suggestions[0];
  if (!first) return null;
  const agreeing = suggestions.filter((s) => s.value === first.value);
  const scores = agreeing.map((s) => s.score).filter((s): s is number => s !== undefined);
  return {
    label,
    value: first.value,
    origins: [...new Set(agreeing.map((s) => s.origin))],
    score: scores.length > 0 ? Math.max(...scores) : null,
    evidence: agreeing.find((s) => s.evidence)?.evidence ?? null,
    disagreeing: suggestions.filter((s) => s.value !== first.value).map((s) => ({ origin: s.origin, value: s.value, score: s.score ?? null })),
  };
}

const ORIGIN_NAMES: Record<string, string> = { report: 'report', 'zero-shot': 'zero-shot' };

/** How a source reads on a chip. */
export function originName(origin: string): string {
  return ORIGIN_NAMES[origin] ?? origin;
}
