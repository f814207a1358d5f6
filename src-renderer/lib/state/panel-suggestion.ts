/**
 * The label panel's suggestion types, in a plain module so that pure helpers
 * (components/viewer/suggestion-chips.ts) and their Node tests need no runes.
 */
import type { LabelSuggestion } from '../../../src-shared/contract/labels';

/** Another suggester's suggestion: a LabelSuggestion with the source's confidence when it has one. */
export interface SourcedSuggestion extends LabelSuggestion {
  /** 0..1, e.g. zero-shot P(positive) for the label. */
  score?: number;
}

/** A suggestion as the panel shows it, whatever proposed it. */
export interface PanelSuggestion extends SourcedSuggestion {
  /** Where accepting it goes: stored suggestions through labels:accept, others as a plain label. */
  stored: boolean;
}
