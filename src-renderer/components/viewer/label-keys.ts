/** Labelling keys: one per value of the focused observation, moving between observations and studies, undo. */
export type LabelAction =
  | { kind: 'value'; value: string | null }
  | { kind: 'focus'; delta: number }
  | { kind: 'study'; direction: 'next' | 'previous' | 'nextUnlabelled' }
  | { kind: 'undo' };

/** CheXpert values; x makes the focused observation blank. */
export const VALUE_KEYS: Record<string, string | null> = { p: 'positive', n: 'negative', u: 'uncertain', x: null };

const OTHER_KEYS: Record<string, LabelAction> = {
  j: { kind: 'focus', delta: 1 },
  k: { kind: 'focus', delta: -1 },
  '.': { kind: 'study', direction: 'next' },
  ',': { kind: 'study', direction: 'previous' },
  '/': { kind: 'study', direction: 'nextUnlabelled' },
  z: { kind: 'undo' },
};

export function labelActionForKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): LabelAction | null {
  if ((event.ctrlKey || event.metaKey) && event.key === 'z') return { kind: 'undo' };
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (Object.hasOwn(VALUE_KEYS, event.key)) return { kind: 'value', value: VALUE_KEYS[event.key]! };
  return OTHER_KEYS[event.key] ?? null;
}

/** The key that sets a value, for the buttons' titles. */
export function keyForValue(value: string | null): string {
  return Object.entries(VALUE_KEYS).find(([, v]) => v === value)?.[0] ?? '';
}
