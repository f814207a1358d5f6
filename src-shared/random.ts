/**
 * mulberry32: a tiny seeded generator, uniform in [0, 1) with 2^-32
 * resolution; the one every seeded draw in the project starts from, so a
 * failure can be replayed and a Python port (tests/fixtures/golden-eval) can
 * reproduce the same numbers bit for bit.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
