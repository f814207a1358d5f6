/**
 * Negation and uncertainty cues, and where a cue's scope ends. A cue before a
 * mention reaches it when both are in the same clause ("no effusion or
 * pneumothorax": both negated; "no effusion, but a small pneumothorax": the
 * second is not); a cue after a mention ("the effusion has resolved") too.
 * Pseudo-cues look like a cue but are none ("no change in the effusion",
 * "no consolidation to suggest pneumonia"): they are blanked first.
 */

const re = (phrases: readonly string[]): RegExp => new RegExp(`\\b(?:${phrases.join('|')})(?![\\w])`, 'gi');

/** Not negations: "no change in the effusion" still reports an effusion. */
export const PSEUDO_CUES = re([
  '(?:no|without|not) (?:\\w+ )?(?:change|changes|increase|increased|decrease|worsening|progression|improvement|enlargement of the effusion)',
  'not (?:significantly )?changed',
  'no longer (?:requires?|needs?)',
  'to suggest',
  'to indicate',
  'no other',
  'nothing to suggest',
]);

/** Uncertainty before the mention: "cannot exclude pneumonia", "possible effusion", "atelectasis versus pneumonia". */
export const UNCERTAIN_BEFORE = re([
  'can ?not (?:be )?(?:entirely |completely |totally |confidently |definitely )?(?:excluded?|ruled? out)',
  '(?:could|may|might) (?:obscure|mask|hide)',
  'cannot (?:entirely |completely )?exclude',
  'could not exclude',
  'difficult to (?:exclude|rule out)',
  'not (?:entirely |completely )?(?:excluded|ruled out)',
  'possib(?:le|ly)',
  'probab(?:le|ly)',
  'likely',
  'may (?:represent|reflect|be|indicate|have|also)',
  'might (?:represent|reflect|be)',
  'could (?:represent|reflect|be|indicate)',
  'suggest(?:s|ed|ing|ive of)?',
  'concern(?:ing)? for',
  'suspicious for',
  'suspect(?:ed)?',
  'question(?:able)?',
  'questionable',
  'question of',
  'equivocal',
  'indeterminate',
  'borderline',
  'versus',
  'vs\\.?',
  'r/o',
  'rule out',
  'evaluate for',
  'differential (?:diagnosis )?(?:includes?|considerations?)',
  'consider(?:ed)?',
  'cannot be differentiated',
  'not clearly (?:seen|visualized)',
]);

/** Uncertainty after the mention: "pneumonia is not excluded", "effusion versus atelectasis". */
export const UNCERTAIN_AFTER = re([
  '(?:is |are )?(?:not|cannot be|can not be) (?:entirely |completely |confidently |definitely )?(?:excluded|ruled out)',
  '(?:is|are|was|were|remains?) (?:possible|suspected|questioned|likely|not clearly (?:seen|visualized))',
  'versus',
  'vs\\.?',
  'may be present',
  'could be present',
  'cannot be differentiated',
  '\\?',
]);

/** Negation before the mention. */
export const NEGATION_BEFORE = re([
  'no evidence (?:of|for)',
  'no (?:radiographic |definite |acute |focal |significant |convincing )*(?:signs?|findings?) (?:of|for|to suggest)',
  'negative for',
  'free of',
  'clear of',
  'absence of',
  'without(?: evidence of)?',
  'resolution of',
  'resolved',
  'removal of',
  'no longer',
  'ruled? out',
  'no',
  'not',
  'nor',
  'neither',
  'never',
  'none',
]);

/** Negation after the mention: "the effusion has resolved", "pneumothorax is not seen". */
export const NEGATION_AFTER = re([
  '(?:is |are |was |were |has |have )?(?:been )?(?:resolved|resolving completely|removed|cleared)',
  '(?:is |are |was |were )?(?:not (?:seen|identified|present|visualized|appreciated|evident|demonstrated|noted)|absent)',
  '(?:is |are |was |were )?no longer (?:seen|present|visualized|visible|evident|identified)',
  'has (?:since )?resolved',
]);

/** Where a clause ends: a cue on one side of these does not reach a mention on the other. */
export const CLAUSE_BREAKS = re([
  'but',
  'however',
  'although',
  'though',
  'whereas',
  'while',
  'yet',
  'except(?: for)?',
  'aside from',
  'apart from',
  'other than',
  'otherwise',
  'which',
  'with the exception of',
  'there (?:is|are|has been|have been|was|were)',
  'is seen',
  'are seen',
  'is present',
  'are present',
  'is noted',
  'are noted',
]);

/** Punctuation that ends a clause. */
export const CLAUSE_PUNCTUATION = /[;:]/g;

/** The text with every match of `pattern` replaced by spaces, so offsets stay. */
export function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (m) => ' '.repeat(m.length));
}

/** The first match of `pattern` in `text`, or null. */
export function firstMatch(text: string, pattern: RegExp): string | null {
  pattern.lastIndex = 0;
  const m = pattern.exec(text);
  pattern.lastIndex = 0;
  return m ? m[0] : null;
}

/** The last match of `pattern` in `text`, or null. */
export function lastMatch(text: string, pattern: RegExp): string | null {
  let last: string | null = null;
  for (const m of text.matchAll(pattern)) last = m[0];
  return last;
}
