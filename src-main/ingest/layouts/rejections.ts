/**
 * Everything a layout import skips, kept in the library: the rejected table
 * rows and image files the reader and writer report, plus image files under the
 * layout folder that no table row names (reason not_in_table).
 */
import type { Db } from '../../db/connection';
import { walkFiles } from '../import-walk';
import { isPlainImage } from '../pixels/plain-image';
import type { LayoutContent, LayoutRejection } from './types';

/** JPEG / PNG files under `root` that no study of the layout uses (no row names them, or their row was rejected). */
export function unreferencedImages(root: string, content: LayoutContent): LayoutRejection[] {
  const used = new Set(content.studies.flatMap((s) => s.images.map((i) => i.path)));
  const rejected = new Set(content.rejected.map((r) => r.path));
  return walkFiles([root])
    .filter((f) => isPlainImage(f.path) && !used.has(f.path) && !rejected.has(f.path))
    .map((f) => ({ path: f.path, reason: 'not_in_table', detail: `no accepted row of the ${content.layout} table names this image` }));
}

/** Replaces the stored rejections of the layout folder `root` with this import's, in one transaction. */
export function storeLayoutRejections(db: Db, root: string, layout: string, rejections: readonly LayoutRejection[]): void {
  const clear = db.prepare('DELETE FROM layout_rejections WHERE root = ?');
  const put = db.prepare(`
    INSERT INTO layout_rejections (path, root, layout, reason, detail) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(path) DO UPDATE SET root = excluded.root, layout = excluded.layout, reason = excluded.reason, detail = excluded.detail,
      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
  db.transaction(() => {
    clear.run(root);
    for (const r of rejections) put.run(r.path, root, layout, r.reason, r.detail);
  })();
}

export interface StoredLayoutRejection extends LayoutRejection {
  layout: string;
}

export function listLayoutRejections(db: Db): StoredLayoutRejection[] {
  return db.prepare('SELECT path, layout, reason, detail FROM layout_rejections ORDER BY path').all() as StoredLayoutRejection[];
}
