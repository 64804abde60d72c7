/**
 * Where a new room goes while processes drain (pure). A draining process takes no new rooms: the
 * matchmaker's choice stands unless that process is draining, then the least loaded process that
 * is not draining takes the room. When every process drains, the choice stands (its own entry
 * rule refuses with SHUTTING_DOWN, which the client retries).
 */

/** One process as Colyseus' registry lists it: its id and how many rooms it hosts. */
export interface ProcessLoad {
  processId: string;
  roomCount: number;
}

/**
 * The process with the fewest rooms outside `excluded`; undefined when none is left. Ties are
 * broken as Colyseus' default selector breaks them (its sort with a comparator that never answers
 * 0), so a cluster without draining processes places rooms exactly as Colyseus alone would.
 */
export function leastLoaded(processes: readonly ProcessLoad[], excluded: ReadonlySet<string>): string | undefined {
  return processes.filter((p) => !excluded.has(p.processId)).sort((p1, p2) => (p1.roomCount > p2.roomCount ? 1 : -1))[0]?.processId;
}

/**
 * The process a new room goes to: `preferred` (the matchmaker's or a studio's own choice) unless it
 * is draining, else the least loaded process that is not; `preferred` when every process drains.
 */
export function chooseProcess(
  preferred: string | undefined,
  processes: readonly ProcessLoad[],
  draining: ReadonlySet<string>,
): string | undefined {
  if (preferred !== undefined && !draining.has(preferred)) return preferred;
  return leastLoaded(processes, draining) ?? preferred;
}

/**
 * The process a new relay shard of a live room goes to (docs/scaling.md): the one with the fewest
 * connections among those holding no part of the room yet (`hosting`: its owner's and relays'),
 * else the one with the fewest connections; never a draining one while another is left.
 */
export function relayProcess(
  processes: readonly (ProcessLoad & { ccu?: number })[],
  hosting: ReadonlySet<string>,
  draining: ReadonlySet<string>,
): string | undefined {
  const open = processes.filter((p) => !draining.has(p.processId));
  const byConnections = (list: typeof open) => [...list].sort((a, b) => (a.ccu ?? 0) - (b.ccu ?? 0))[0]?.processId;
  return byConnections(open.filter((p) => !hosting.has(p.processId))) ?? byConnections(open);
}
