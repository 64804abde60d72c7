/**
 * What an owner room and its relay shards say to each other (docs/scaling.md "Live rooms"). Owner
 * to relays: numbered frames on the room's shard topic, one publish per turn however many relays
 * listen. Relays to owner: calls of the owner room's `shard*` methods through the matchmaker's
 * remoteRoomCall, answered as Outcomes.
 */

/** A listed member as relays receive it: userName, joinedAt, online, devices, custom fields (null: none). */
export type MemberWire = [string, number, boolean, number, Record<string, string> | null];

/** One change of the synchronized state (rooms/stateMirror.ts). */
export type StateOp =
  | ["room", string, string, number]
  | ["count", number]
  | ["slow", number]
  | ["member", string, MemberWire]
  | ["memberGone", string]
  | ["attr", string, string]
  | ["attrGone", string]
  | ["role", string, string]
  | ["roleGone", string];

/** Metadata key (and matchmaking filter) telling relays (1) from owners (0) among a chatroom's listings. */
export const SHARD_KEY = "chatShard";

/** One thing a relay does for its local connections, in the order the owner did it. */
export type ShardSend =
  /** apply state changes (the owner's patch) */
  | { t: "ops"; ops: StateOp[] }
  /** broadcast to every local connection but `except` (session ids) */
  | { t: "all"; type: string; payload: unknown; except?: string[]; afterNextPatch?: boolean }
  /** send to one session */
  | { t: "to"; session: string; type: string; payload: unknown }
  /** close one session with a close code (a removal) */
  | { t: "close"; session: string; code: number }
  /** end a held session's reconnection window */
  | { t: "end"; session: string }
  /** the room closes: every connection with this code */
  | { t: "closeAll"; code: number }
  /** the owner room shuts down (its process drains or stops) but the room lives on: relays bring it back elsewhere */
  | { t: "handOff" };

/** A frame on the shard topic: `f` counts up by one per frame of one owner room. */
export interface ShardFrame {
  /** the owner room instance (a new owner after a failover restarts the count) */
  owner: string;
  f: number;
  s: ShardSend[];
}

/** What a relay gets when it attaches: the state now and the frame it reflects. */
export interface ShardSnapshot {
  owner: string;
  frame: number;
  ops: StateOp[];
  lastSeq: number;
}

/**
 * A Colyseus room id for a new relay of `chatroomId`: `<chatroomId>_relay_<random>`, always longer
 * than the 64 characters a chatroom id may have, so no chatroom can ever hold it (Colyseus' transport
 * takes room ids of [A-Za-z0-9_-] only, so no other separator is possible). `random(n)` makes n such characters.
 */
export function relayRoomId(chatroomId: string, random: (length: number) => string): string {
  const prefix = `${chatroomId}_relay_`;
  return prefix + random(Math.max(8, 65 - prefix.length));
}

/** The claim a relay holds while it lives, so the owner can tell a dead relay's process. */
export function relayClaim(relayRoomId: string): string {
  return `relay:${relayRoomId}`;
}
