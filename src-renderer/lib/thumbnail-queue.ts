/**
 * Thumbnails load a few at a time: a browser opens at most six connections to
 * the bridge, and a screenful of thumbnails must not leave the list's next
 * window of rows waiting behind them. `queuedSrc` is a Svelte action that
 * gives an <img> its src once a slot is free and frees it when the image has
 * loaded, failed, or left the page.
 */
const MAX_LOADING = 3;

let loading = 0;
const waiting: (() => void)[] = [];

function release(): void {
  loading--;
  waiting.shift()?.();
}

export function queuedSrc(img: HTMLImageElement, src: string): { destroy(): void } {
  let state: 'waiting' | 'loading' | 'done' = 'waiting';
  const finish = () => {
    if (state === 'loading') release();
    state = 'done';
  };
  const start = () => {
    if (state !== 'waiting') return;
    state = 'loading';
    loading++;
    img.addEventListener('load', finish, { once: true });
    img.addEventListener('error', finish, { once: true });
    img.src = src;
  };
  if (loading < MAX_LOADING) start();
  else waiting.push(start);
  return {
    destroy() {
      if (state === 'waiting') {
        const at = waiting.indexOf(start);
        if (at >= 0) waiting.splice(at, 1);
      }
      finish();
    },
  };
}
