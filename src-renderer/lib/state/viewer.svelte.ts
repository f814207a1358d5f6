/**
 * The Viewer screen's state: the open study, which stack and image is shown,
 * the report sentence highlighted, and what the overlay reads out. The
 * Library opens studies through the shared `viewerState`.
 */
import type { HighlightRequest, StackImage, ViewerStack, ViewerStudy } from '../../../src-shared/contract/viewer';
import type { AppErrorShape } from '../../../src-shared/result';
import { api } from '../api';
import { imageIdOf } from '../cornerstone/loader';

export type LeftButtonTool = 'window' | 'pan' | 'zoom';

export class ViewerState {
  study = $state<ViewerStudy | null>(null);
  loading = $state(false);
  error = $state<AppErrorShape | null>(null);
  stackIndex = $state(0);
  imageIndex = $state(0);
  highlighted = $state<number | null>(null);
  overlayVisible = $state(true);
  tool = $state<LeftButtonTool>('window');
  /** Read back from the viewport after each render, for the overlay; `preview` while a large image's preview stands in for it. */
  shown = $state<{ imageId: string; preview: boolean; center: number; width: number; scale: number; invert: boolean; rotation: number } | null>(null);
  /** When the open was asked for, to measure click-to-first-pixels. */
  openedAt = 0;

  readonly stack: ViewerStack | null = $derived(this.study?.stacks[this.stackIndex] ?? null);
  readonly image: StackImage | null = $derived(this.stack?.images[this.imageIndex] ?? null);
  readonly imageId: string | null = $derived(this.image ? imageIdOf(this.image.instanceId, this.image.frame) : null);

  private serial = 0;

  async open(studyId: number, highlight?: HighlightRequest): Promise<void> {
    const serial = ++this.serial;
    this.openedAt = performance.now();
    this.loading = true;
    this.error = null;
    const result = await api.viewer.openStudy(highlight ? { studyId, highlight } : { studyId });
    if (serial !== this.serial) return; // a later open superseded this one
    this.loading = false;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.shown = null;
    this.study = result.value;
    this.stackIndex = 0;
    this.imageIndex = 0;
    this.highlighted = result.value.highlightedSentence;
  }

  selectStack(index: number): void {
    if (!this.study || index < 0 || index >= this.study.stacks.length) return;
    this.stackIndex = index;
    this.imageIndex = 0;
  }

  /** Moves through the stack; clamps at both ends (no wrap: a radiologist scrolling must feel the end). */
  scroll(delta: number): void {
    const count = this.stack?.images.length ?? 0;
    if (count === 0) return;
    this.imageIndex = Math.min(count - 1, Math.max(0, this.imageIndex + delta));
  }

  goToImage(index: number): void {
    this.scroll(index - this.imageIndex);
  }

  toggleSentence(index: number): void {
    this.highlighted = this.highlighted === index ? null : index;
  }
}

export const viewerState = new ViewerState();
