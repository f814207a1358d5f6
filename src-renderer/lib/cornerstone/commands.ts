/** What the toolbar and the keyboard can ask of the viewport, and the default keys. */
export type ViewCommand = 'invert' | 'rotate' | 'flipHorizontal' | 'flipVertical' | 'fit' | 'reset' | 'zoomIn' | 'zoomOut' | 'autoWindow';

export type ViewerAction =
  | { kind: 'view'; command: ViewCommand }
  | { kind: 'preset'; index: number }
  | { kind: 'scroll'; delta: number }
  | { kind: 'scrollTo'; where: 'first' | 'last' }
  | { kind: 'overlay' }
  | { kind: 'series'; delta: number };

/** Keys as KeyboardEvent.key. Digits 1..9 apply the image's window presets in order. */
export const VIEWER_KEYS: Record<string, ViewerAction> = {
  ArrowDown: { kind: 'scroll', delta: 1 },
  ArrowUp: { kind: 'scroll', delta: -1 },
  PageDown: { kind: 'scroll', delta: 10 },
  PageUp: { kind: 'scroll', delta: -10 },
  Home: { kind: 'scrollTo', where: 'first' },
  End: { kind: 'scrollTo', where: 'last' },
  ']': { kind: 'series', delta: 1 },
  '[': { kind: 'series', delta: -1 },
  i: { kind: 'view', command: 'invert' },
  r: { kind: 'view', command: 'rotate' },
  h: { kind: 'view', command: 'flipHorizontal' },
  v: { kind: 'view', command: 'flipVertical' },
  f: { kind: 'view', command: 'fit' },
  Escape: { kind: 'view', command: 'reset' },
  '+': { kind: 'view', command: 'zoomIn' },
  '=': { kind: 'view', command: 'zoomIn' },
  '-': { kind: 'view', command: 'zoomOut' },
  a: { kind: 'view', command: 'autoWindow' },
  o: { kind: 'overlay' },
};

export function actionForKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): ViewerAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (/^[1-9]$/.test(event.key)) return { kind: 'preset', index: Number(event.key) - 1 };
  return VIEWER_KEYS[event.key] ?? null;
}
