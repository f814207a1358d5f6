/**
 * Turns a marked passage (hits between MATCH_START and MATCH_END, as the
 * list's report search returns it) into plain parts to render as text nodes,
 * so report text never reaches the page as HTML. Pure.
 */
import { MATCH_END, MATCH_START } from './contract/library';

export interface HighlightPart {
  text: string;
  hit: boolean;
}

export function splitHighlights(marked: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let hit = false;
  let text = '';
  const flush = () => {
    if (text !== '') parts.push({ text, hit });
    text = '';
  };
  for (const ch of marked) {
    if (ch === MATCH_START || ch === MATCH_END) {
      flush();
      hit = ch === MATCH_START;
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}
