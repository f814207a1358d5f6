/**
 * Labelling keys: one per value of the active schema (its definition, or the
 * person's override), blank, moving between labels and studies, undo, and
 * accepting the study's suggestions. Bindings: lib/keys/bindings.ts.
 */
import { labelCommand, valueForKey, type KeyConfig, type KeyedSchema } from '../../lib/keys/bindings';

export type LabelAction =
  | { kind: 'value'; value: string | null }
  | { kind: 'focus'; delta: number }
  | { kind: 'study'; direction: 'next' | 'previous' | 'nextUnlabelled' }
  | { kind: 'undo' }
  | { kind: 'accept' }
  | { kind: 'acceptFocused' };

type KeyEventLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>;

export function labelActionForKey(event: KeyEventLike, schema: KeyedSchema | null, config: KeyConfig): LabelAction | null {
  if ((event.ctrlKey || event.metaKey) && event.key === 'z') return { kind: 'undo' };
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const value = schema ? valueForKey(config, schema, event.key) : undefined;
  if (value !== undefined) return { kind: 'value', value };
  switch (labelCommand(config, event.key)) {
    case 'blank': return { kind: 'value', value: null };
    case 'nextLabel': return { kind: 'focus', delta: 1 };
    case 'previousLabel': return { kind: 'focus', delta: -1 };
    case 'nextStudy': return { kind: 'study', direction: 'next' };
    case 'previousStudy': return { kind: 'study', direction: 'previous' };
    case 'nextUnlabelled': return { kind: 'study', direction: 'nextUnlabelled' };
    case 'undo': return { kind: 'undo' };
    case 'acceptSuggestions': return { kind: 'accept' };
    case 'acceptFocused': return { kind: 'acceptFocused' };
    default: return null;
  }
}

/** How a key reads on a button or in the sheet. */
export function keyLabel(key: string): string {
  const names: Record<string, string> = { ' ': 'Space', ArrowDown: '↓', ArrowUp: '↑', ArrowLeft: '←', ArrowRight: '→', Escape: 'Esc', PageDown: 'PgDn', PageUp: 'PgUp' };
  return names[key] ?? (key.length === 1 ? key.toUpperCase() : key);
}
