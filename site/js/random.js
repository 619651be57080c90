// random.js: mulberry32, a small seeded PRNG: the same numbers from the same seed on
// every machine, so that learning from corrections (training_set.js) is a function of
// the drawings alone; the benchmarks and tests draw with it too. Not: for anything that
// must be unpredictable.

/** A generator of uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
