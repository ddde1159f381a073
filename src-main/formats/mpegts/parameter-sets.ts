/** The parameter sets of one kind (SPS, PPS or VPS) a stream has sent, by id, as copies. */
export class ParameterSets {
  private readonly byId = new Map<number, Uint8Array>();

  get size(): number {
    return this.byId.size;
  }

  /** Whether this exact set is already held: the common case of sets repeated before every keyframe. */
  holds(nal: Uint8Array): boolean {
    for (const held of this.byId.values()) if (sameBytes(held, nal)) return true;
    return false;
  }

  /** Stores a copy (the NAL is a view into a reused PES buffer) and returns it. */
  set(id: number, nal: Uint8Array): Uint8Array {
    const copy = new Uint8Array(nal);
    this.byId.set(id, copy);
    return copy;
  }

  /** `first` (when given and held) leads, the others follow in id order. */
  list(first?: Uint8Array): Uint8Array[] {
    const ordered = [...this.byId.entries()].sort((a, b) => a[0] - b[0]).map(([, nal]) => nal);
    if (!first || !ordered.includes(first)) return ordered;
    return [first, ...ordered.filter((nal) => nal !== first)];
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
