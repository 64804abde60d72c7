/**
 * What the coalescing transport relies on inside Colyseus beyond its public API, pinned by the
 * source of each upstream function it copies or depends on.
 *
 * - CoalescingTransport.onConnection is a copy of @colyseus/ws-transport 0.18.4's, with one change
 *   (the client class). A new ws-transport that changes onConnection (new query parameters, a new
 *   handshake step) would be silently ignored by the copy.
 * - CoalescingClient extends ws-transport's WebSocketClient and replaces core's
 *   `_enqueuedMessages` field by an accessor: it relies on WebSocketClient's constructor setting
 *   that field, on core's `enqueueClientRaw` pushing to it before the join, and on core's
 *   Room `_onMessage` (the join acknowledgement) and `allowReconnection` draining and deleting it.
 *
 * Each of those functions is fingerprinted (SHA-256 of its source without whitespace, once per build
 * Node may load: CommonJS under jest and tsx, ESM under plain Node's `module-sync` condition).
 * When an installed version differs, {@link seamChanges} names what changed, and
 * CoalescingTransport falls back to the stock connection path (no coalescing, a warning at start)
 * instead of running copied code against code it was not verified with. To move to a new
 * Colyseus: read the changed functions, port the change into src/transport, then record the new
 * fingerprints here (test/unit/transportSeam.test.ts prints them).
 */
import { createHash } from "node:crypto";
import { enqueueClientRaw, Room } from "@colyseus/core";
import { WebSocketClient, WebSocketTransport } from "@colyseus/ws-transport";

/** The upstream versions the copied code was verified against (package.json pins them for development). */
export const VERIFIED_UPSTREAM = { "@colyseus/core": "0.18.17", "@colyseus/ws-transport": "0.18.4" } as const;

interface SeamPoint {
  readonly name: string;
  readonly source: () => unknown;
  /** Fingerprints of the verified version's CommonJS and ESM builds. */
  readonly verified: readonly string[];
}

const SEAM: readonly SeamPoint[] = [
  {
    name: "@colyseus/ws-transport WebSocketTransport.onConnection (copied by CoalescingTransport)",
    source: () => (WebSocketTransport.prototype as unknown as { onConnection: unknown }).onConnection,
    verified: [
      "9353454c82c779c1f6c3feed8ac23b898b91679b01ef6842ff8e6733327c7c46",
      "8aaace939aef499e490b34619e12056f952d51f895f51eb505dd9fd94192260f",
    ],
  },
  {
    name: "@colyseus/ws-transport WebSocketClient (the base of CoalescingClient)",
    source: () => WebSocketClient,
    verified: [
      "9e297b01e7e988378f3c5a8507a7095bf811e605e6e412d0f5a1bf5fccc8cf5e",
      "816b423c839a2b463147da353a70ae7407e38e8d8de193c452d438e4a1680338",
    ],
  },
  {
    name: "@colyseus/core enqueueClientRaw (queues a joining client's frames in _enqueuedMessages)",
    source: () => enqueueClientRaw,
    verified: [
      "a215002f042bc735f9b150fd08d006793d8cf34d32e1e38933d0e85916858ae5",
      "73a64a490658fbce29a0495706eaa040a4631869c8bcbc16d8d3173633c54efd",
    ],
  },
  {
    name: "@colyseus/core Room._onMessage (drains and deletes _enqueuedMessages on the join acknowledgement)",
    source: () => (Room.prototype as unknown as { _onMessage: unknown })._onMessage,
    verified: [
      "338b83786776c41cc7b19a142285782c716ca643ff120f134997efc2ec96a9b7",
      "610ec41c5f72fdb76eeb0de341dcafa7fa46d0d3b14b2a572d4859e2694068d0",
    ],
  },
  {
    name: "@colyseus/core Room.allowReconnection (reads _enqueuedMessages of the dropped client)",
    source: () => Room.prototype.allowReconnection,
    verified: [
      "1da4bff9bfe6aa04614f9f8e5c5464bfdfe7efa28bfdcc3f8b4a10383e6b616c",
      "e1d151e90d6367953764bba0d0909d83eadb5611102e8d17c0b8532571443d41",
    ],
  },
];

/** SHA-256 of a function's source with all whitespace removed. */
export function fingerprint(fn: unknown): string {
  const text = typeof fn === "function" ? Function.prototype.toString.call(fn) : String(fn);
  return createHash("sha256").update(text.replace(/\s+/g, "")).digest("hex");
}

/** Each seam point with the fingerprint of the installed code (for the seam test and upgrades). */
export function seamFingerprints(): { name: string; installed: string; verified: readonly string[] }[] {
  return SEAM.map((point) => ({ name: point.name, installed: fingerprint(point.source()), verified: point.verified }));
}

/** Names of the seam points whose installed source differs from every verified build; empty when all match. */
export function seamChanges(): string[] {
  return seamFingerprints()
    .filter((point) => !point.verified.includes(point.installed))
    .map((point) => point.name);
}
