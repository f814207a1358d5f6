/**
 * Labeller results as values of a schema. CheXpert schemas take the values
 * as they are. A user schema's labels (multi-label), or its one label
 * (binary), are looked up as observations (rules.ts ruleForLabel): positive
 * suggests the first value, negative the second, uncertain a value named
 * "uncertain" when there is one. A multi-class schema's classes are looked
 * up as observations and the one positive class is suggested ("normal" /
 * "no finding" when nothing is). Pure.
 */
import { labelSentences, type Finding, type LabellerSentence, type ObservationResult } from './label-report';
import { CHEXPERT_RULES, ruleForLabel } from './rules';

export interface SchemaSuggestion {
  label: string;
  value: string;
  sentence: LabellerSentence | null;
  mention: string | null;
  cue: string | null;
}

interface SchemaShape {
  kind: 'binary' | 'multiclass' | 'multilabel' | 'chexpert';
  labels: readonly string[];
  values: readonly string[];
}

const NORMAL_CLASSES = new Set(['normal', 'no finding', 'none', 'negative']);

function valueFor(finding: Finding, values: readonly string[]): string | null {
  const named = values.find((v) => v.toLowerCase() === finding);
  if (named) return named;
  if (finding === 'positive') return values[0] ?? null;
  if (finding === 'negative') return values[1] ?? null;
  return null;
}

/** Results for the given names: CheXpert's rules where they apply, the name as the mention otherwise. */
function resultsFor(names: readonly string[], sentences: readonly LabellerSentence[]): Map<string, ObservationResult> {
  const chexpert = labelSentences(sentences, CHEXPERT_RULES, true);
  const noFinding = chexpert[0]!;
  const out = new Map<string, ObservationResult>();
  for (const name of names) {
    const rule = ruleForLabel(name);
    out.set(name, rule ? labelSentences(sentences, [rule], false)[0]! : { ...noFinding, observation: name });
  }
  return out;
}

function suggestion(label: string, value: string, result: ObservationResult): SchemaSuggestion {
  return { label, value, sentence: result.sentence, mention: result.mention, cue: result.cue };
}

export function suggestionsForSchema(schema: SchemaShape, sentences: readonly LabellerSentence[]): SchemaSuggestion[] {
  if (schema.kind === 'multiclass') {
    const [label] = schema.labels;
    if (!label) return [];
    const results = resultsFor(schema.values, sentences);
    const positive = schema.values.filter((c) => !NORMAL_CLASSES.has(c.toLowerCase()) && results.get(c)?.value === 'positive');
    if (positive.length === 1) return [suggestion(label, positive[0]!, results.get(positive[0]!)!)];
    const normal = schema.values.find((c) => NORMAL_CLASSES.has(c.toLowerCase()));
    if (positive.length === 0 && normal && results.get(normal)?.value === 'positive') return [suggestion(label, normal, results.get(normal)!)];
    return [];
  }
  const results = resultsFor(schema.labels, sentences);
  const out: SchemaSuggestion[] = [];
  for (const label of schema.labels) {
    const result = results.get(label)!;
    const value = result.value === null ? null : valueFor(result.value, schema.values);
    if (value !== null) out.push(suggestion(label, value, result));
  }
  return out;
}
