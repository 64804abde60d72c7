/** CompactMap behaves as a Map (get/set/delete/size, insertion order) below and above its flat limit. */
import { CompactMap } from "../../src/store/compactMap";

const keys = (m: CompactMap<number>) => [...m.entries()].map(([k]) => k);

test.each([3, CompactMap.FLAT_LIMIT, CompactMap.FLAT_LIMIT + 5])("with %i keys it answers as a Map does", (n) => {
  const m = new CompactMap<number>();
  const ref = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    m.set(`k${i}`, i);
    ref.set(`k${i}`, i);
  }
  m.set("k1", 100); // overwrite keeps the place
  ref.set("k1", 100);
  expect(m.size).toBe(ref.size);
  expect([...m.entries()]).toEqual([...ref.entries()]);
  expect(m.get("k1")).toBe(100);
  expect(m.get("missing")).toBeUndefined();
  expect(m.delete("k0")).toBe(true);
  expect(m.delete("k0")).toBe(false);
  ref.delete("k0");
  expect([...m.entries()]).toEqual([...ref.entries()]);
  expect(m.size).toBe(n - 1);
});

test("deleting while iterating visits every entry once and leaves the rest", () => {
  for (const n of [4, CompactMap.FLAT_LIMIT + 3]) {
    const m = new CompactMap<number>();
    for (let i = 0; i < n; i++) m.set(`k${i}`, i);
    const seen: string[] = [];
    for (const [k, v] of m.entries()) {
      seen.push(k);
      if (v % 2 === 0) m.delete(k);
    }
    expect(seen).toHaveLength(n);
    expect(keys(m)).toEqual(Array.from({ length: n }, (_, i) => `k${i}`).filter((_, i) => i % 2 === 1));
  }
});

test("an emptied map is empty, and takes keys again", () => {
  const m = new CompactMap<number>();
  m.set("a", 1);
  m.delete("a");
  expect(m.size).toBe(0);
  expect([...m.entries()]).toEqual([]);
  m.set("b", 2);
  expect(keys(m)).toEqual(["b"]);
});
