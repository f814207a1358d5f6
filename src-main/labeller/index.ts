/** The rule-based report labeller (pure: text in, values out). */
export { classifyMention, labelObservation, labelSentences, sentenceVerdicts, type Finding, type LabellerSentence, type ObservationResult } from './label-report';
export { CHEXPERT_RULES, CHEXPERT_RULE_SOURCES, compileRule, ruleForLabel, type ObservationRule, type RuleSource } from './rules';
export { labelReportText, reportSentencesToLabel } from './report-text';
export { suggestionsForSchema, type SchemaSuggestion } from './schema-suggestions';
