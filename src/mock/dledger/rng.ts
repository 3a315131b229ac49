/**
 * Seeded random numbers so election backoffs and fault schedules replay exactly.
 * @module
 */

/** A source of uniform floats in [0, 1). */
export type Rng = () => number;

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG. Same seed → same sequence. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Java's `random.nextInt(bound)` on top of an {@link Rng}: an integer in [0, bound). */
export function nextInt(rng: Rng, bound: number): number {
  return bound <= 0 ? 0 : Math.floor(rng() * bound);
}
