// Test-only byte helpers: hand-built bitstreams and the damage fuzz tests apply.

/** "1011 01" → bytes, zero-padded: hand-built bitstreams read like the spec's syntax tables. */
export function fromBits(bits: string): Uint8Array {
  const clean = bits.replace(/\s+/g, '');
  const out = new Uint8Array(Math.ceil(clean.length / 8));
  for (let i = 0; i < clean.length; i++) if (clean[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/** A deterministic PRNG (mulberry32), so a failing fuzz case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One kind of damage a broken stream delivers: truncation, bit flips, random bytes or a random tail. A copy; the input is untouched. */
export function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const out = Uint8Array.from(input);
  if (out.length === 0) return out;
  switch (Math.floor(random() * 4)) {
    case 0:
      return out.subarray(0, Math.floor(random() * out.length));
    case 1: {
      const flips = 1 + Math.floor(random() * 8);
      for (let i = 0; i < flips; i++) out[Math.floor(random() * out.length)]! ^= 1 << Math.floor(random() * 8);
      return out;
    }
    case 2: {
      for (let i = 0; i < out.length; i++) if (random() < 0.3) out[i] = Math.floor(random() * 256);
      return out;
    }
    default: {
      const cut = Math.floor(random() * out.length);
      for (let i = cut; i < out.length; i++) out[i] = Math.floor(random() * 256);
      return out;
    }
  }
}

/** Calls parse on many damaged copies of each input; anything thrown that is not `allowed` fails with the replayable input. */
export function fuzzParser(inputs: readonly Uint8Array[], parse: (data: Uint8Array) => unknown, allowed: new (...args: never[]) => Error, rounds: number, seed: number): void {
  const random = seededRandom(seed);
  for (let round = 0; round < rounds; round++) {
    for (const input of inputs) {
      const mutated = mutate(input, random);
      try {
        parse(mutated);
      } catch (error) {
        if (!(error instanceof allowed)) throw new Error(`seed ${seed} round ${round}: ${String(error)} for ${Buffer.from(mutated).toString('hex')}`, { cause: error });
      }
    }
  }
}
