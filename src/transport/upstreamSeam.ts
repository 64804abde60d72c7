/**
 * What the coalescing transport relies on inside Colyseus beyond its public API, pinned by the
 * installed code of each upstream module it copies from or depends on.
 *
 * - CoalescingTransport.onConnection is a copy of @colyseus/ws-transport 0.18.4's, with one change
 *   (the client class). A new ws-transport that changes onConnection (new query parameters, a new
 *   handshake step) would be silently ignored by the copy.
 * - rooms/patchClock.ts gives every chat room one shared patch timer by setting core Room's
 *   private `_simulationInterval` (with it, a null patch rate starts no timer and broadcastPatch
 *   leaves the clock alone).
 * - CoalescingClient extends ws-transport's WebSocketClient and replaces core's
 *   `_enqueuedMessages` field by an accessor: it relies on WebSocketClient's constructor setting
 *   that field, on core's `enqueueClientRaw` (Transport module) pushing to it before the join, and
 *   on core's Room `_onMessage` (the join acknowledgement) and `allowReconnection` draining and
 *   deleting it.
 *
 * Each of those modules is fingerprinted by the SHA-256 of its installed build files (CommonJS and
 * ESM alike, whichever Node loads), read from disk rather than from the live functions, which
 * tools patch at run time (@colyseus/testing wraps Room._onMessage). When an installed module
 * differs, {@link seamChanges} names it, and CoalescingTransport falls back to the stock connection
 * path (no coalescing, a warning at start) instead of running copied code against code it was not
 * verified with. Conservative by design: any change in those files, even one elsewhere in them,
 * turns coalescing off until checked. To move to a new Colyseus: diff the named modules, port what
 * changed into src/transport, then record the new fingerprints here and the versions in
 * {@link VERIFIED_UPSTREAM} (test/unit/transportSeam.test.ts prints the fingerprints).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The upstream versions the copied code was verified against (package.json pins them for development). */
export const VERIFIED_UPSTREAM = { "@colyseus/core": "0.18.17", "@colyseus/ws-transport": "0.18.4" } as const;

/**
 * The seam point of Colyseus' Room module: besides the join queue above, rooms/patchClock.ts sets
 * its `_simulationInterval` so that one process-wide timer patches every chat room.
 */
export const ROOM_SEAM =
  "@colyseus/core Room (_onMessage and allowReconnection drain and delete _enqueuedMessages; _simulationInterval stands in for the patch timer)";

interface SeamPoint {
  readonly name: string;
  readonly packageName: keyof typeof VERIFIED_UPSTREAM;
  /** The module's file name in the package's build folder, without extension. */
  readonly module: string;
  readonly verified: string;
}

const SEAM: readonly SeamPoint[] = [
  {
    name: "@colyseus/ws-transport WebSocketTransport (onConnection, copied by CoalescingTransport)",
    packageName: "@colyseus/ws-transport",
    module: "WebSocketTransport",
    verified: "936d629bde1ad2d421f7dff1217acc87b7ce7c45921f89b31f55d58f6f5eef5d",
  },
  {
    name: "@colyseus/ws-transport WebSocketClient (the base of CoalescingClient)",
    packageName: "@colyseus/ws-transport",
    module: "WebSocketClient",
    verified: "8cbeb85b0ad6e4a78cf2d8a92a2b18e2a0ad2c2e12db03ee54a72038d99b9fcc",
  },
  {
    name: "@colyseus/core Transport (enqueueClientRaw queues a joining client's frames in _enqueuedMessages)",
    packageName: "@colyseus/core",
    module: "Transport",
    verified: "948ab336541c09743a3b2cdf0965ccce4e041b4ccc6a7c29bffa939638e2a46d",
  },
  {
    name: ROOM_SEAM,
    packageName: "@colyseus/core",
    module: "Room",
    verified: "1339338f0198558bbe4681e756232416658fc08c78ad155389cdaf628b694fbd",
  },
];

/** SHA-256 over a module's CommonJS and ESM builds as installed; "unreadable" when they are not on disk (a bundle). */
function moduleFingerprint(packageName: string, module: string): string {
  try {
    const build = dirname(require.resolve(packageName));
    const hash = createHash("sha256");
    for (const extension of ["cjs", "mjs"]) hash.update(readFileSync(join(build, `${module}.${extension}`)));
    return hash.digest("hex");
  } catch {
    return "unreadable";
  }
}

/** Each seam point with the fingerprint of the installed code (for the seam test and upgrades). */
export function seamFingerprints(): { name: string; installed: string; verified: string }[] {
  return SEAM.map((point) => ({
    name: point.name,
    installed: moduleFingerprint(point.packageName, point.module),
    verified: point.verified,
  }));
}

/** Names of the seam points whose installed code differs from the verified one; empty when all match. */
export function seamChanges(): string[] {
  return seamFingerprints()
    .filter((point) => point.installed !== point.verified)
    .map((point) => point.name);
}
