/**
 * RongCloud's time format in list answers: "YYYY-MM-DD HH:MM:SS". RongCloud uses Beijing time on
 * its CN data center and UTC on the global ones; we always use UTC.
 */
export function formatWireTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}
