/** The q-quantile (0..1) of `values` (sorted in place), nearest rank; NaN when empty. */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  values.sort();
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1));
  return values.at(rank) ?? NaN;
}

/** Concatenates typed arrays. */
export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The median of numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.at(Math.floor((sorted.length - 1) / 2)) ?? NaN;
}

/** CPU the workers spent between two of their reports (`from[i]` and `to[i]` are worker i's), summed, µs. */
export function cpuBetween(from: readonly { cpuUs: number }[], to: readonly { cpuUs: number }[]): number {
  return to.reduce((n, report, i) => n + report.cpuUs - (from[i]?.cpuUs ?? report.cpuUs), 0);
}
