/**
 * Keyboard bindings of the viewer and of labelling, as plain data and pure
 * functions (the state that keeps them is lib/state/hotkeys.svelte.ts).
 * Bindings are single keys as KeyboardEvent.key (letters in lower case).
 * Image keys rebind the viewer's default keys (lib/cornerstone/commands.ts):
 * `translateImageKey` turns a pressed key into the default key of its action.
 * Value keys come from each schema's definition and can be overridden per schema.
 */
export type LabelCommand = 'blank' | 'nextLabel' | 'previousLabel' | 'nextStudy' | 'previousStudy' | 'nextUnlabelled' | 'undo' | 'acceptSuggestions' | 'acceptFocused';

export interface Binding {
  id: string;
  group: 'Image' | 'Labels';
  what: string;
  defaultKey: string;
}

/** Image actions, keyed by their default key in commands.ts VIEWER_KEYS. */
export const IMAGE_BINDINGS: readonly Binding[] = [
  { id: 'image:ArrowDown', group: 'Image', what: 'next image or frame', defaultKey: 'ArrowDown' },
  { id: 'image:ArrowUp', group: 'Image', what: 'previous image or frame', defaultKey: 'ArrowUp' },
  { id: 'image:PageDown', group: 'Image', what: '10 images forward', defaultKey: 'PageDown' },
  { id: 'image:PageUp', group: 'Image', what: '10 images back', defaultKey: 'PageUp' },
  { id: 'image:Home', group: 'Image', what: 'first image', defaultKey: 'Home' },
  { id: 'image:End', group: 'Image', what: 'last image', defaultKey: 'End' },
  { id: 'image:]', group: 'Image', what: 'next series', defaultKey: ']' },
  { id: 'image:[', group: 'Image', what: 'previous series', defaultKey: '[' },
  { id: 'image:a', group: 'Image', what: 'auto window from percentiles', defaultKey: 'a' },
  { id: 'image:i', group: 'Image', what: 'invert', defaultKey: 'i' },
  { id: 'image:r', group: 'Image', what: 'rotate 90°', defaultKey: 'r' },
  { id: 'image:h', group: 'Image', what: 'flip horizontal', defaultKey: 'h' },
  { id: 'image:v', group: 'Image', what: 'flip vertical', defaultKey: 'v' },
  { id: 'image:f', group: 'Image', what: 'fit', defaultKey: 'f' },
  { id: 'image:+', group: 'Image', what: 'zoom in', defaultKey: '+' },
  { id: 'image:-', group: 'Image', what: 'zoom out', defaultKey: '-' },
  { id: 'image:Escape', group: 'Image', what: 'reset the view', defaultKey: 'Escape' },
  { id: 'image:o', group: 'Image', what: 'show / hide the overlay', defaultKey: 'o' },
];

export const LABEL_BINDINGS: readonly (Binding & { id: LabelCommand })[] = [
  { id: 'blank', group: 'Labels', what: 'make the focused label blank', defaultKey: 'x' },
  { id: 'nextLabel', group: 'Labels', what: 'next label', defaultKey: 'j' },
  { id: 'previousLabel', group: 'Labels', what: 'previous label', defaultKey: 'k' },
  { id: 'nextStudy', group: 'Labels', what: 'next study', defaultKey: '.' },
  { id: 'previousStudy', group: 'Labels', what: 'previous study', defaultKey: ',' },
  { id: 'nextUnlabelled', group: 'Labels', what: 'next unlabelled study', defaultKey: '/' },
  { id: 'undo', group: 'Labels', what: 'undo (Ctrl+Z too)', defaultKey: 'z' },
  { id: 'acceptSuggestions', group: 'Labels', what: "accept all of the study's suggestions", defaultKey: 'Enter' },
  { id: 'acceptFocused', group: 'Labels', what: "accept the focused label's suggestion", defaultKey: 's' },
];

/** Keys that are never rebound: the sheet itself, and modifiers. */
export const FIXED_KEYS = new Set(['?', 'Shift', 'Control', 'Alt', 'Meta', 'Tab', 'CapsLock']);

/** A person's overrides: binding id -> key, and schemaId -> value -> key. */
export interface KeyConfig {
  bindings: Record<string, string>;
  valueKeys: Record<string, Record<string, string>>;
}

export interface KeyedSchema {
  id: number;
  keys: Record<string, string>;
  values: readonly string[];
}

export const EMPTY_CONFIG: KeyConfig = { bindings: {}, valueKeys: {} };

export function normaliseKey(key: string): string {
  return key.length === 1 ? key.toLowerCase() : key;
}

export function keyOf(config: KeyConfig, id: string): string {
  return config.bindings[id] ?? [...IMAGE_BINDINGS, ...LABEL_BINDINGS].find((b) => b.id === id)?.defaultKey ?? '';
}

/** The key of a schema's value: the person's override, else the schema's own. */
export function valueKey(config: KeyConfig, schema: Pick<KeyedSchema, 'id' | 'keys'>, value: string): string {
  return config.valueKeys[String(schema.id)]?.[value] ?? schema.keys[value] ?? '';
}

/** The label command a pressed key stands for, or null. */
export function labelCommand(config: KeyConfig, key: string): LabelCommand | null {
  const pressed = normaliseKey(key);
  return LABEL_BINDINGS.find((b) => keyOf(config, b.id) === pressed)?.id ?? null;
}

/** The value of the schema a pressed key sets, or undefined. */
export function valueForKey(config: KeyConfig, schema: KeyedSchema, key: string): string | undefined {
  const pressed = normaliseKey(key);
  return schema.values.find((v) => valueKey(config, schema, v) === pressed);
}

/**
 * The viewer's default key for the image action bound to `key`; null when
 * `key` is a default key whose action now has another key (so the old key
 * does nothing); `key` itself otherwise (presets 1..9 and unbound keys).
 */
export function translateImageKey(config: KeyConfig, key: string): string | null {
  const pressed = normaliseKey(key);
  const bound = IMAGE_BINDINGS.find((b) => keyOf(config, b.id) === pressed);
  if (bound) return bound.defaultKey;
  const moved = IMAGE_BINDINGS.find((b) => b.defaultKey === pressed && keyOf(config, b.id) !== pressed);
  return moved ? null : key;
}

/** Keys given to more than one action (image, label, or a value of the active schema), with what they do. */
export function conflicts(config: KeyConfig, schema: KeyedSchema | null): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  const add = (key: string, what: string): void => {
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), what]);
  };
  for (const b of [...IMAGE_BINDINGS, ...LABEL_BINDINGS]) add(keyOf(config, b.id), b.what);
  if (schema) for (const v of schema.values) add(valueKey(config, schema, v), `value "${v}"`);
  return new Map([...byKey].filter(([, whats]) => whats.length > 1));
}

/** A stored config, or the empty one when it is missing or unreadable. */
export function parseKeyConfig(text: string | null): KeyConfig {
  try {
    const parsed = JSON.parse(text ?? '{}') as Partial<KeyConfig>;
    const ok = (x: unknown): x is Record<string, never> => typeof x === 'object' && x !== null && !Array.isArray(x);
    return { bindings: ok(parsed.bindings) ? parsed.bindings : {}, valueKeys: ok(parsed.valueKeys) ? parsed.valueKeys : {} };
  } catch {
    return { bindings: {}, valueKeys: {} };
  }
}
