/**
 * A string-keyed map that stays a flat array while small. A `Map` costs ~0.2 KB even for one
 * entry (its hash table), and the in-memory store keeps one per scope: per member for the
 * user-rooms index, so a 5,000-member room paid ~1 MB for one-entry maps. Up to
 * {@link CompactMap.FLAT_LIMIT} entries live in one array of key/value pairs (linear scans of a
 * handful of keys); past it they move to a `Map`, and stay there. Iteration is in insertion order,
 * as a Map's.
 */
export class CompactMap<V> {
  static readonly FLAT_LIMIT = 8;

  /** key0, value0, key1, value1, ... while small. */
  private flat: (string | V)[] | undefined;
  private map: Map<string, V> | undefined;

  get size(): number {
    return this.map ? this.map.size : (this.flat?.length ?? 0) / 2;
  }

  get(key: string): V | undefined {
    if (this.map) return this.map.get(key);
    const flat = this.flat;
    if (!flat) return undefined;
    const at = indexOf(flat, key);
    return at < 0 ? undefined : (flat[at + 1] as V);
  }

  set(key: string, value: V): void {
    if (this.map) {
      this.map.set(key, value);
      return;
    }
    const flat = this.flat;
    if (flat === undefined) {
      // a literal: pushing onto [] would reserve room for ~19
      this.flat = [key, value];
      return;
    }
    const at = indexOf(flat, key);
    if (at >= 0) {
      flat[at + 1] = value;
    } else if (this.size < CompactMap.FLAT_LIMIT) {
      flat.push(key, value);
    } else {
      this.map = new Map(this.entries());
      this.map.set(key, value);
      this.flat = undefined;
    }
  }

  /** True when the key was there. */
  delete(key: string): boolean {
    if (this.map) return this.map.delete(key);
    const flat = this.flat;
    if (!flat) return false;
    const at = indexOf(flat, key);
    if (at < 0) return false;
    flat.splice(at, 2);
    return true;
  }

  /** Entries in insertion order; deleting the current entry while iterating is safe. */
  *entries(): IterableIterator<[string, V]> {
    if (this.map) {
      yield* this.map.entries();
      return;
    }
    // a snapshot, so deletes during the walk do not shift it
    const flat = this.flat ? [...this.flat] : [];
    for (let i = 0; i < flat.length; i += 2) yield [flat[i] as string, flat[i + 1] as V];
  }
}

/** Index of `key` in a flat key/value array, or -1. */
function indexOf(flat: readonly unknown[], key: string): number {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return i;
  return -1;
}
